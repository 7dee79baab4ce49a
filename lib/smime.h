#ifndef MA_SMIME_H
#define MA_SMIME_H

#include <stddef.h>

#include "status.h"

/*
 * S/MIME opaque signing (RFC 8551 3.5.2): application/pkcs7-mime with
 * smime-type=signed-data carries the signed MIME entity inside the CMS
 * structure, where a reader sees it without checking the signature.
 * OpenSSL's CMS code reads it; nothing is verified here.
 */

/*
 * smime_signed_content - the content of the CMS SignedData in der[0..n)
 * (the decoded body of the part): *outp malloc'd (the caller frees it),
 * *outlen its bytes. MA_EDATA when it is not SignedData with its content
 * inside (enveloped data, a detached signature, not CMS at all).
 * MA_ENOMEM.
 */
enum ma_status smime_signed_content(const void *der, size_t n,
				    unsigned char **outp, size_t *outlen);

#endif
