#!/usr/bin/env python3
# Independent Python model of tokcast's stream layout
# (docs/random-numbers.md), used to compute the constants of
# tests/test_rng.c: stream_layout_matches_reference and
# element_id_join_matches_reference. Run: python3 tests/ref/rng_layout.py
M = 2**32 - 1
U = 2**64 - 1


def philox(c, k):
    """Philox4x32-10 from the SC11 paper's description."""
    x = list(c)
    k0, k1 = k
    for i in range(10):
        if i:
            k0 = (k0 + 0x9E3779B9) & M
            k1 = (k1 + 0xBB67AE85) & M
        p0 = 0xD2511F53 * x[0]
        p1 = 0xCD9E8D57 * x[2]
        x = [(p1 >> 32) ^ x[1] ^ k0, p1 & M, (p0 >> 32) ^ x[3] ^ k1, p0 & M]
    return x


def mix(z):
    z = ((z ^ (z >> 30)) * 0xbf58476d1ce4e5b9) & U
    z = ((z ^ (z >> 27)) * 0x94d049bb133111eb) & U
    return z ^ (z >> 31)


def fnv(s, h=0xcbf29ce484222325):
    for b in s.encode():
        h ^= b
        h = (h * 0x100000001b3) & U
    return h


# The Random123 known answers must come out of this model too.
assert philox([0] * 4, [0] * 2) == [0x6627e8d5, 0xe169c58d,
                                    0xbc57ac4c, 0x9b00dbd8]

seed, trial, purpose, sub = 20270101, (5 << 32) | 7, 4, 30
elem = fnv("chat")
tag = (purpose << 56) | (elem & ((1 << 56) - 1))
key = mix(mix(seed) ^ tag)
ctr = [0, sub, trial & M, trial >> 32]
words = philox(ctr, [key & M, key >> 32])
ctr[0] = 1
words += philox(ctr, [key & M, key >> 32])
print("stream words:", " ".join("0x%08x" % w for w in words))
print("first double: %r" % (((words[0] << 32 | words[1]) >> 11) * 2.0**-53))
join = fnv("growth", ((fnv("chat") ^ 0x1f) * 0x100000001b3) & U)
print("id_join(chat, growth): 0x%016x" % join)
