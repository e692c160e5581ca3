// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "logbuilder.h"

void lb_init(struct logbuf *lb, bool big_endian)
{
	memset(lb, 0, sizeof(*lb));
	lb->big_endian = big_endian;
}

void lb_free(struct logbuf *lb)
{
	free(lb->data);
	lb->data = NULL;
}

void lb_bytes(struct logbuf *lb, const void *data, size_t len)
{
	if (lb->len + len > lb->cap) {
		lb->cap = (lb->len + len) * 2 + 64;
		lb->data = realloc(lb->data, lb->cap);
		if (!lb->data)
			abort();
	}
	if (len)
		memcpy(lb->data + lb->len, data, len);
	lb->len += len;
}

void lb_put_u32(uint8_t *p, uint32_t v, bool big_endian)
{
	int i;

	for (i = 0; i < 4; i++)
		p[big_endian ? 3 - i : i] = (uint8_t)(v >> (8 * i));
}

void lb_u32(struct logbuf *lb, uint32_t v)
{
	uint8_t b[4];

	lb_put_u32(b, v, lb->big_endian);
	lb_bytes(lb, b, 4);
}

size_t lb_template_data(uint8_t *out, bool big_endian,
			const struct lb_field *fields, unsigned int count)
{
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < count; i++) {
		lb_put_u32(out + len, fields[i].len, big_endian);
		len += 4;
		if (fields[i].len)
			memcpy(out + len, fields[i].data, fields[i].len);
		len += fields[i].len;
	}
	return len;
}

void lb_hash(const char *algo, const void *data, size_t len, uint8_t *out)
{
	EVP_MD *md = EVP_MD_fetch(NULL, algo, NULL);

	if (!md || !EVP_Digest(data, len, out, NULL, md, NULL))
		abort();
	EVP_MD_free(md);
}

void lb_record(struct logbuf *lb, uint32_t pcr, const char *name,
	       const struct lb_field *fields, unsigned int count,
	       bool violation)
{
	size_t cap = 64, len, i;
	uint8_t digest[20] = { 0 };
	uint8_t *data;

	for (i = 0; i < count; i++)
		cap += 4 + fields[i].len;
	data = malloc(cap);
	if (!data)
		abort();
	len = lb_template_data(data, lb->big_endian, fields, count);
	if (!violation)
		lb_hash("SHA1", data, len, digest);

	lb_u32(lb, pcr);
	lb_bytes(lb, digest, 20);
	lb_u32(lb, (uint32_t)strlen(name));
	lb_bytes(lb, name, strlen(name));
	lb_u32(lb, (uint32_t)len);
	lb_bytes(lb, data, len);
	free(data);
}

void lb_legacy(struct logbuf *lb, uint32_t pcr, const uint8_t d[20],
	       const char *name, bool violation)
{
	uint8_t hashed[20 + 256] = { 0 };
	uint8_t digest[20] = { 0 };
	size_t name_len = strlen(name);

	memcpy(hashed, d, 20);
	memcpy(hashed + 20, name, name_len < 256 ? name_len : 256);
	if (!violation)
		lb_hash("SHA1", hashed, sizeof(hashed), digest);

	lb_u32(lb, pcr);
	lb_bytes(lb, digest, 20);
	lb_u32(lb, 3);
	lb_bytes(lb, "ima", 3);
	lb_bytes(lb, d, 20);
	lb_u32(lb, (uint32_t)name_len);
	lb_bytes(lb, name, name_len);
}

uint32_t lb_digest_ng(uint8_t *out, const char *prefix,
		      const uint8_t *digest, uint32_t len)
{
	size_t plen = strlen(prefix);

	memcpy(out, prefix, plen);
	out[plen] = '\0';
	memcpy(out + plen + 1, digest, len);
	return (uint32_t)(plen + 1 + len);
}

uint8_t *lb_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	long size;

	if (!f) {
		fprintf(stderr, "cannot open %s: %s; set IMATAP_CASES to the folder of captured logs\n",
			path, strerror(errno));
		abort();
	}
	if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0) {
		data = malloc((size_t)size + 1);
		if (data && fread(data, 1, (size_t)size, f) == (size_t)size)
			*len = (size_t)size;
		else
			abort();
	}
	fclose(f);
	if (!data)
		abort();
	return data;
}
