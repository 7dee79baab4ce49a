/*
 * The content of S/MIME opaque-signed data, read with OpenSSL's CMS
 * (the one module that does). See smime.h.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>
#include <openssl/objects.h>

#include "smime.h"

enum ma_status
smime_signed_content(const void *der, size_t n, unsigned char **outp,
		     size_t *outlen)
{
	const unsigned char *p = der;
	CMS_ContentInfo *cms;
	ASN1_OCTET_STRING **pos;
	enum ma_status st = MA_EDATA;

	if (n == 0 || n > LONG_MAX)
		return MA_EDATA;
	if ((cms = d2i_CMS_ContentInfo(NULL, &p, (long)n)) == NULL)
		return MA_EDATA;
	if (OBJ_obj2nid(CMS_get0_type(cms)) == NID_pkcs7_signed &&
	    (pos = CMS_get0_content(cms)) != NULL && *pos != NULL &&
	    ASN1_STRING_length(*pos) > 0) {
		size_t len = (size_t)ASN1_STRING_length(*pos);

		if ((*outp = malloc(len)) == NULL) {
			st = MA_ENOMEM;
		} else {
			memcpy(*outp, ASN1_STRING_get0_data(*pos), len);
			*outlen = len;
			st = MA_OK;
		}
	}
	CMS_ContentInfo_free(cms);
	return st;
}
