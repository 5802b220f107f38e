/*
 * tokcast.h - the public API of libtokcast, a forecasting and
 * scenario-simulation engine for the cost of LLM API usage.
 *
 * Include this one header; it includes the module headers under tokcast/.
 * All public names start with tc_ (functions, types) or TC_ (constants).
 */
#ifndef TOKCAST_H
#define TOKCAST_H

#include "tokcast/status.h"
#include "tokcast/outfile.h"
#include "tokcast/graph.h"
#include "tokcast/spec.h"
#include "tokcast/kg.h"
#include "tokcast/usage.h"
#include "tokcast/rng.h"
#include "tokcast/render.h"
#include "tokcast/pricing.h"
#include "tokcast/fit.h"
#include "tokcast/engine.h"
#include "tokcast/backtest.h"
#include "tokcast/scenario.h"

#endif
