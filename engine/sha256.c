/*
 * sha256.c - SHA-256 (FIPS 180-4) for the graph's fingerprint in a
 * forecast's meta block. None of the libraries tokcast links offers it
 * (GSL, libxml2, Graphviz, jansson, libyaml, zlib, libcsv); this one is
 * checked against the FIPS 180-2 example vectors in tests/test_engine.c.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tokcast/engine.h"
#include "tci.h"

typedef struct sha_ctx {
	uint32_t h[8];
	unsigned char buf[64];
	size_t used;
	uint64_t bits;
} sha_ctx;

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b,
	0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
	0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7,
	0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152,
	0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
	0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
	0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
	0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static uint32_t ror(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

/* One 64-byte block into the state. */
static void sha_block(sha_ctx *c, const unsigned char *p)
{
	uint32_t w[64], s[8], t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++)
		w[i] = w[i - 16] + w[i - 7] +
		       (ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^
			(w[i - 15] >> 3)) +
		       (ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^
			(w[i - 2] >> 10));
	memcpy(s, c->h, sizeof s);
	for (i = 0; i < 64; i++) {
		t1 = s[7] + (ror(s[4], 6) ^ ror(s[4], 11) ^ ror(s[4], 25)) +
		     ((s[4] & s[5]) ^ (~s[4] & s[6])) + K[i] + w[i];
		t2 = (ror(s[0], 2) ^ ror(s[0], 13) ^ ror(s[0], 22)) +
		     ((s[0] & s[1]) ^ (s[0] & s[2]) ^ (s[1] & s[2]));
		memmove(&s[1], &s[0], 7 * sizeof s[0]);
		s[4] += t1;
		s[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		c->h[i] += s[i];
}

static void sha_init(sha_ctx *c)
{
	static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372,
				       0xa54ff53a, 0x510e527f, 0x9b05688c,
				       0x1f83d9ab, 0x5be0cd19};

	memcpy(c->h, h0, sizeof h0);
	c->used = 0;
	c->bits = 0;
}

static void sha_add(sha_ctx *c, const unsigned char *p, size_t n)
{
	c->bits += (uint64_t)n * 8;
	while (n > 0) {
		size_t k = 64 - c->used < n ? 64 - c->used : n;

		memcpy(c->buf + c->used, p, k);
		c->used += k;
		p += k;
		n -= k;
		if (c->used == 64) {
			sha_block(c, c->buf);
			c->used = 0;
		}
	}
}

/* Pads with 0x80, zeros and the bit length, and writes the digest. */
static void sha_end(sha_ctx *c, unsigned char out[32])
{
	uint64_t bits = c->bits;
	unsigned char pad = 0x80, len[8];
	int i;

	sha_add(c, &pad, 1);
	pad = 0;
	while (c->used != 56)
		sha_add(c, &pad, 1);
	for (i = 0; i < 8; i++)
		len[i] = (unsigned char)(bits >> (56 - 8 * i));
	sha_add(c, len, 8);
	for (i = 0; i < 32; i++)
		out[i] = (unsigned char)(c->h[i / 4] >> (24 - 8 * (i % 4)));
}

void tc_sha256(const void *data, size_t n, unsigned char digest[32])
{
	sha_ctx c;

	sha_init(&c);
	sha_add(&c, data, n);
	sha_end(&c, digest);
}

tc_status tc_sha256_file(const char *path, char hex[65], tc_error *err)
{
	unsigned char buf[65536], d[32];
	FILE *fp = fopen(path, "rb");
	sha_ctx c;
	size_t n;
	int i, bad;

	if (!fp)
		return tci_error(err, TC_ERR_IO, path, 0, NULL,
				 "cannot open: %s", strerror(errno));
	sha_init(&c);
	while ((n = fread(buf, 1, sizeof buf, fp)) > 0)
		sha_add(&c, buf, n);
	bad = ferror(fp);
	fclose(fp);
	if (bad)
		return tci_error(err, TC_ERR_IO, path, 0, NULL,
				 "read error");
	sha_end(&c, d);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	return TC_OK;
}
