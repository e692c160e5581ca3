/* SPDX-License-Identifier: GPL-2.0 */
/* Template descriptors and template-field decoding. */
#ifndef IMATAP_TEMPLATE_H
#define IMATAP_TEMPLATE_H

#include "record.h"

const char *ima_field_id_name(enum ima_field_id id);
enum ima_field_id ima_field_id_lookup(const char *name, size_t len);

/*
 * Check a template name and set rec->template_name, template_fmt and
 * legacy. Returns false with err set when the name breaks a format rule.
 */
bool ima_template_resolve(struct ima_record *rec, const uint8_t *name,
			  uint32_t len, uint64_t offset,
			  struct ima_error *err);

/*
 * Split rec->data into rec->fields by the template format and check every
 * field. rec->offset + data_offset is the byte offset of rec->data, for
 * messages. Not for the "ima" template, whose fields the reader sets.
 */
bool ima_template_split(struct ima_record *rec, uint64_t data_offset,
			struct ima_error *err);

/* Check the bytes of one decoded field against its format rule. */
bool ima_field_check(const struct ima_record *rec,
		     const struct ima_field *field, uint64_t offset,
		     struct ima_error *err);

#endif
