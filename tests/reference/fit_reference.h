static const trace_ref trace_refs[] = {
	{ "x", { 0 }, { 0 }, { 0 } },
};
