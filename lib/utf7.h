#ifndef MA_UTF7_H
#define MA_UTF7_H

#include "status.h"

/*
 * IMAP's modified UTF-7 for mailbox names (RFC 3501 5.1.3): printable
 * US-ASCII stands for itself, "&" is written "&-", and everything else is
 * UTF-16 in a base64 whose "/" is ",", between "&" and "-". Servers that
 * do not speak UTF8=ACCEPT (RFC 6855) send and take folder names only in
 * this form; people type and read them in UTF-8.
 */

/*
 * utf7_encode - the UTF-8 name utf8 in modified UTF-7. On MA_OK *outp is
 * malloc'd and the caller frees it. MA_EDATA when utf8 is not valid UTF-8
 * (overlong forms, surrogates and code points past U+10FFFF included),
 * MA_ENOMEM.
 */
enum ma_status utf7_encode(const char *utf8, char **outp);

/*
 * utf7_decode - the modified UTF-7 name s in UTF-8. On MA_OK *outp is
 * malloc'd and the caller frees it. MA_EDATA when s is not valid modified
 * UTF-7: an 8-bit or control byte, an unterminated or malformed "&...-"
 * run, base64 that encodes printable US-ASCII (which must stand for
 * itself), a lone UTF-16 surrogate, or leftover bits that are not zero.
 * MA_ENOMEM.
 */
enum ma_status utf7_decode(const char *s, char **outp);

/*
 * utf7_utf8_check - MA_OK when s is valid UTF-8 (RFC 3629), else MA_EDATA:
 * what a folder name must be to be sent as UTF-8 under UTF8=ACCEPT.
 */
enum ma_status utf7_utf8_check(const char *s);

#endif
