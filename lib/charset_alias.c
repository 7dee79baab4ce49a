/*
 * The charset labels mail carries that are not iconv's names for what
 * the text is in (charset.c label_get() reads the rest with iconv).
 */
#include <stddef.h>
#include <strings.h>

#include "charset_int.h"

/*
 * What mail clients do with the labels that lie: the Microsoft and NEC
 * extensions are used under the plain Japanese names, ISO-8859-1 and
 * US-ASCII mean windows-1252 (the WHATWG Encoding Standard), GB2312 text
 * uses GBK characters.
 */
static const struct charset_alias aliases[] = {
    {"shift_jis", "CP932", false, true, false},
    {"shift-jis", "CP932", false, true, false},
    {"sjis", "CP932", false, true, false},
    {"x-sjis", "CP932", false, true, false},
    {"ms_kanji", "CP932", false, true, false},
    {"csshiftjis", "CP932", false, true, false},
    {"windows-31j", "CP932", false, true, false},
    {"cp932", "CP932", false, true, false},
    {"ms932", "CP932", false, true, false},
    {"x-ms-cp932", "CP932", false, true, false},
    {"iso-2022-jp", "CP932", true, true, false},
    {"csiso2022jp", "CP932", true, true, false},
    {"iso-2022-jp-ms", "CP932", true, true, false},
    {"cp50220", "CP932", true, true, false},
    {"cp50221", "CP932", true, true, false},
    {"cp50222", "CP932", true, true, false},
    {"euc-jp", "EUC-JP-MS", false, true, false},
    {"x-euc-jp", "EUC-JP-MS", false, true, false},
    {"eucjp", "EUC-JP-MS", false, true, false},
    {"euc-jp-ms", "EUC-JP-MS", false, true, false},
    {"us-ascii", "WINDOWS-1252", false, false, true},
    {"ascii", "WINDOWS-1252", false, false, true},
    {"iso-8859-1", "WINDOWS-1252", false, false, false},
    {"iso8859-1", "WINDOWS-1252", false, false, false},
    {"iso_8859-1", "WINDOWS-1252", false, false, false},
    {"latin1", "WINDOWS-1252", false, false, false},
    {"l1", "WINDOWS-1252", false, false, false},
    {"latin-1", "WINDOWS-1252", false, false, false},
    {"gb2312", "GB18030", false, false, false},
    {"gbk", "GB18030", false, false, false},
    {"x-gbk", "GB18030", false, false, false},
    {"cp936", "GB18030", false, false, false},
    {"euc-cn", "GB18030", false, false, false},
    {"ks_c_5601-1987", "CP949", false, false, false},
    {"euc-kr", "CP949", false, false, false},
    {"big5", "BIG5-HKSCS", false, false, false},
    /* Python's email package writes its codec names. */
    {"big5_tw", "BIG5-HKSCS", false, false, false},
    {"eucgb2312_cn", "GB18030", false, false, false},
    {"utf-8", NULL, false, false, false},
    {"utf8", NULL, false, false, false},
    /* Windows' code page for UTF-8. */
    {"cp65001", NULL, false, false, false},
    /* The WHATWG Encoding Standard's labels that iconv does not know:
     * Outlook's and old Korean mailers' names for KS X 1001, the
     * Chinese and Hebrew ones, x-cp125x, the Macintosh ones. */
    {"unicode-1-1-utf-8", NULL, false, false, false},
    {"unicode11utf8", NULL, false, false, false},
    {"unicode20utf8", NULL, false, false, false},
    {"x-unicode20utf8", NULL, false, false, false},
    {"ks_c_5601-1989", "CP949", false, false, false},
    {"ksc5601", "CP949", false, false, false},
    {"ksc_5601", "CP949", false, false, false},
    {"korean", "CP949", false, false, false},
    {"csksc56011987", "CP949", false, false, false},
    {"iso-ir-149", "CP949", false, false, false},
    {"windows-949", "CP949", false, false, false},
    {"gb_2312-80", "GB18030", false, false, false},
    {"gb_2312", "GB18030", false, false, false},
    {"chinese", "GB18030", false, false, false},
    {"csgb2312", "GB18030", false, false, false},
    {"csiso58gb231280", "GB18030", false, false, false},
    {"iso-ir-58", "GB18030", false, false, false},
    {"csbig5", "BIG5-HKSCS", false, false, false},
    {"x-x-big5", "BIG5-HKSCS", false, false, false},
    {"iso-8859-8-i", "ISO-8859-8", false, false, false},
    {"csiso88598i", "ISO-8859-8", false, false, false},
    {"logical", "ISO-8859-8", false, false, false},
    {"iso-8859-8-e", "ISO-8859-8", false, false, false},
    {"csiso88598e", "ISO-8859-8", false, false, false},
    {"visual", "ISO-8859-8", false, false, false},
    {"iso-8859-6-i", "ISO-8859-6", false, false, false},
    {"csiso88596i", "ISO-8859-6", false, false, false},
    {"iso-8859-6-e", "ISO-8859-6", false, false, false},
    {"csiso88596e", "ISO-8859-6", false, false, false},
    {"sun_eu_greek", "ISO-8859-7", false, false, false},
    {"csisolatin9", "ISO-8859-15", false, false, false},
    {"l9", "ISO-8859-15", false, false, false},
    {"koi", "KOI8-R", false, false, false},
    {"koi8_r", "KOI8-R", false, false, false},
    {"x-mac-roman", "MACINTOSH", false, false, false},
    {"x-mac-cyrillic", "MAC-CYRILLIC", false, false, false},
    {"x-mac-ukrainian", "MAC-CYRILLIC", false, false, false},
    {"dos-874", "CP874", false, false, false},
    {"x-cp1250", "CP1250", false, false, false},
    {"x-cp1251", "CP1251", false, false, false},
    {"x-cp1252", "WINDOWS-1252", false, false, false},
    {"x-cp1253", "CP1253", false, false, false},
    {"x-cp1254", "CP1254", false, false, false},
    {"x-cp1255", "CP1255", false, false, false},
    {"x-cp1256", "CP1256", false, false, false},
    {"x-cp1257", "CP1257", false, false, false},
    {"x-cp1258", "CP1258", false, false, false},
    /* charset.c decode_as() reads "HZ" itself (charset_hz.c). */
    {"hz-gb-2312", "HZ", false, false, false},
    {"hz", "HZ", false, false, false},
};

const struct charset_alias *
charset_alias(const char *name)
{
	for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
		if (strcasecmp(name, aliases[i].name) == 0)
			return &aliases[i];
	return NULL;
}
