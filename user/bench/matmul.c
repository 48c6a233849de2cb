// SPDX-License-Identifier: GPL-2.0
/*
 * matmul-N: C = A * B for N x N doubles with the plain i-j-k triple loop of
 * the 2005 study (no blocking, no reordering: the cache behaviour of the
 * textbook loop is part of what it measured). One op = one multiply.
 *
 * The inputs are small integers from a fixed formula, so every product and
 * partial sum is an integer below 2^53 and exact in a double, whatever the
 * order of summation: verify() can compare exactly. It checks C two ways,
 * neither of which is the triple loop:
 *   - Freivalds: C x == A (B x) for a fixed integer vector x, element by
 *     element, O(N^2); any single wrong element of C changes some row sum
 *     because x has no zero entry;
 *   - the grand total of C against the closed form
 *     sum_k (column sum k of A) * (row sum k of B).
 */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "matmul.h"

/* Inputs in -5..5 and -6..6: |C| <= 30 N, exact for any N up to 10^6. */
static inline double matmul_a(size_t i, size_t j)
{
	return (double)((long)((i * 7 + j * 3) % 11) - 5);
}

static inline double matmul_b(size_t i, size_t j)
{
	return (double)((long)((i * 5 + j * 9) % 13) - 6);
}

/* Freivalds' vector: 1..7, never zero. */
static inline double matmul_x(size_t j)
{
	return (double)(j % 7 + 1);
}

static void matmul_teardown(struct bench_state *st)
{
	struct matmul_priv *p = st->priv;

	if (!p)
		return;
	free(p->a);
	free(p->b);
	free(p->c);
	free(p);
	st->priv = NULL;
}

static int matmul_setup(struct bench_state *st)
{
	struct matmul_priv *p;
	size_t n;

	/* 20000^2 doubles is 3.2 GB per matrix: far past any sensible run. */
	if (st->size < 1 || st->size > 20000)
		return bench_fail(st, "matrix size %ld out of range 1..20000", st->size);
	n = (size_t)st->size;
	p = calloc(1, sizeof(*p));
	if (!p)
		return bench_fail(st, "out of memory");
	st->priv = p;
	p->n = n;
	p->a = malloc(n * n * sizeof(double));
	p->b = malloc(n * n * sizeof(double));
	p->c = calloc(n * n, sizeof(double));
	if (!p->a || !p->b || !p->c) {
		matmul_teardown(st);
		return bench_fail(st, "out of memory for three %zux%zu matrices", n, n);
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			p->a[i * n + j] = matmul_a(i, j);
			p->b[i * n + j] = matmul_b(i, j);
		}
	return 0;
}

static void matmul_multiply(size_t n, const double *restrict a, const double *restrict b,
			    double *restrict c)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			double sum = 0;

			for (size_t k = 0; k < n; k++)
				sum += a[i * n + k] * b[k * n + j];
			c[i * n + j] = sum;
		}
}

static int matmul_run(struct bench_state *st, uint64_t n)
{
	struct matmul_priv *p = st->priv;

	for (uint64_t r = 0; r < n; r++) {
		matmul_multiply(p->n, p->a, p->b, p->c);
		/* Every repetition must really happen: c is "used" between them. */
		__asm__ __volatile__("" : : "r"(p->c) : "memory");
	}
	return 0;
}

static int matmul_verify(struct bench_state *st)
{
	struct matmul_priv *p = st->priv;
	size_t n = p->n;
	double *bx = malloc(n * sizeof(double));
	double total = 0, expect_total = 0;
	int rc = 0;

	if (!bx)
		return bench_fail(st, "out of memory");
	/* bx = B x */
	for (size_t k = 0; k < n; k++) {
		double s = 0;

		for (size_t j = 0; j < n; j++)
			s += p->b[k * n + j] * matmul_x(j);
		bx[k] = s;
	}
	/* Row i: (C x)_i against (A (B x))_i. */
	for (size_t i = 0; i < n && rc == 0; i++) {
		double cx = 0, abx = 0;

		for (size_t j = 0; j < n; j++) {
			cx += p->c[i * n + j] * matmul_x(j);
			total += p->c[i * n + j];
		}
		for (size_t k = 0; k < n; k++)
			abx += p->a[i * n + k] * bx[k];
		if (cx != abx)
			rc = bench_fail(st, "row %zu of C is wrong: (C x)_i = %.0f, (A (B x))_i = %.0f",
					i, cx, abx);
	}
	free(bx);
	if (rc)
		return rc;

	/* Closed form of the grand total, straight from the input formulas. */
	for (size_t k = 0; k < n; k++) {
		double col_a = 0, row_b = 0;

		for (size_t i = 0; i < n; i++)
			col_a += matmul_a(i, k);
		for (size_t j = 0; j < n; j++)
			row_b += matmul_b(k, j);
		expect_total += col_a * row_b;
	}
	if (total != expect_total)
		return bench_fail(st, "sum of C is %.0f, the inputs give %.0f", total, expect_total);
	return 0;
}

const struct bench bench_matmul = {
	.name = "matmul",
	.group = "macro",
	.panel = "macro",
	.summary = "N x N double matrix multiply, plain i-j-k triple loop (study sizes)",
	.unit = "multiply",
	.flags = BENCH_SLOW,
	.sizes = { 10, 100, 1000, 0 },
	.setup = matmul_setup,
	.run = matmul_run,
	.verify = matmul_verify,
	.teardown = matmul_teardown,
};
