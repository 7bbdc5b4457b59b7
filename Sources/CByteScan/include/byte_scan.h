#ifndef RURALSTAT_BYTE_SCAN_H
#define RURALSTAT_BYTE_SCAN_H

#include <stddef.h>
#include <stdint.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/// The bytes of a CSV record that end or change a field (the delimiter, a newline, a quote) among
/// the `count` bytes at `bytes` (at most 64): bit i is set when bytes[i] is one of them. Sixteen bytes
/// to an instruction where the platform has vectors (SSE2 on every x86-64, NEON on arm64); Swift has
/// no portable way to turn a vector comparison into a bit mask.
static inline uint64_t rs_csv_specials(const uint8_t *bytes, size_t count, uint8_t delimiter) {
    uint64_t mask = 0;
    size_t i = 0;
#if defined(__SSE2__)
    const __m128i d = _mm_set1_epi8((char)delimiter), n = _mm_set1_epi8('\n'), q = _mm_set1_epi8('"');
    for (; i + 16 <= count; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(bytes + i));
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, d), _mm_cmpeq_epi8(v, n)), _mm_cmpeq_epi8(v, q));
        mask |= (uint64_t)(uint16_t)_mm_movemask_epi8(hit) << i;
    }
#endif
    for (; i < count; i++) {
        uint8_t b = bytes[i];
        if (b == delimiter || b == '\n' || b == '"') mask |= (uint64_t)1 << i;
    }
    return mask;
}

#endif
