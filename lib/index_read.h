#ifndef MA_INDEX_READ_H
#define MA_INDEX_READ_H

/*
 * The index family's door for readers that walk the space's notmuch
 * database with libnotmuch's query API themselves (the renderer: threads,
 * messages, their files and tags). Outside lib/index*.c this is the one
 * header that includes notmuch.h; the database is opened read-only
 * through index_open_notmuch() (index.h), never by path.
 */
#include <notmuch.h>

#include "index.h"

#endif
