/*
 * mailarc search: the browser's half of the site's search. It reads the
 * index the renderer wrote under search/ (docs/format.md, "The search
 * index") with a few GETs of small files and shows what matches. Text
 * from the index reaches the page only as text (textContent), never as
 * HTML. Plain JavaScript, no build step, no dependencies.
 */
'use strict';
(function () {
	var CHUNK = 128, WORD_MAX = 40, PER = 20;
	var enc = new TextEncoder();
	var WORD = /[\p{L}\p{N}]/u;
	var CJK = /[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}\u30fc]/u;
	var cache = {};

	/* Text rule 1 (search_text.c): fold case, compatibility forms and
	 * accents. toLowerCase() plus the two full foldings it lacks
	 * stands for g_utf8_casefold(). */
	function fold(s) {
		s = s.toLowerCase().replace(/\u00df/g, 'ss').replace(/\u03c2/g, '\u03c3');
		return s.normalize('NFKD').replace(/(?![\u3099\u309a])\p{M}/gu, '')
			.normalize('NFC');
	}

	/* Rules 2 and 3: words, and pairs of CJK characters. */
	function terms(s, prefix, out) {
		var cps = Array.from(fold(s)), run = [], cjk = false;
		function add(t) {
			if (t.length && enc.encode(t).length <= WORD_MAX)
				out.push(prefix + t);
		}
		function flush() {
			if (!run.length)
				return;
			if (!cjk)
				add(run.join(''));
			else if (run.length === 1)
				add(run[0]);
			else
				for (var i = 0; i + 1 < run.length; i++)
					add(run[i] + run[i + 1]);
			run = [];
		}
		cps.push('');
		cps.forEach(function (c) {
			var k = c !== '' && CJK.test(c);
			var w = c !== '' && (k || WORD.test(c));
			if (run.length && (!w || k !== cjk))
				flush();
			if (w) {
				if (!run.length)
					cjk = k;
				run.push(c);
			}
		});
		return out;
	}

	/* A date as YYYY, YYYY-MM or YYYY-MM-DD: its first second (UTC). */
	function day(s) {
		var m = /^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$/.exec(s);
		if (!m)
			return null;
		return Date.UTC(+m[1], (+m[2] || 1) - 1, +m[3] || 1) / 1000;
	}

	/* The query: the terms all must match, and a date range. */
	function parse(q) {
		var out = { terms: [], words: [], after: null, before: null, bad: [] };
		var re = /(\w+:)?("[^"]*"?|\S+)/g, m;
		var pre = { 'from:': 'f:', 'to:': 't:', 'subject:': 's:' };
		while ((m = re.exec(q)) !== null) {
			var field = m[1] ? m[1].toLowerCase() : '';
			var val = m[2].replace(/^"|"$/g, '');
			if (field === 'after:' || field === 'before:') {
				var t = day(val);
				if (t === null)
					out.bad.push(m[0]);
				else if (field === 'after:')
					out.after = t;
				else
					out.before = t;
			} else if (pre[field]) {
				terms(val, pre[field], out.terms);
			} else {
				terms(field + val, '', out.words);
			}
		}
		out.words = out.words.filter(function (w, i, a) {
			return a.indexOf(w) === i;
		});
		out.terms = out.terms.concat(out.words).filter(function (w, i, a) {
			return a.indexOf(w) === i;
		});
		return out;
	}

	function fnv(s) {
		var h = 2166136261, b = enc.encode(s);
		for (var i = 0; i < b.length; i++)
			h = Math.imul(h ^ b[i], 16777619) >>> 0;
		return h;
	}

	function get(url) {
		if (!cache[url])
			cache[url] = fetch(url).then(function (r) {
				if (!r.ok)
					throw new Error(url + ': HTTP ' + r.status);
				return r.json();
			});
		return cache[url];
	}

	function dir(seg) {
		return 'search/' + seg.m + '.' + seg.h + '/';
	}

	/* A term's documents in a segment, ascending. */
	function postings(seg, term) {
		var sh = seg.b ? fnv(term) >>> (32 - seg.b) : 0;
		return get(dir(seg) + 't' + sh + '.json').then(function (t) {
			var d = Object.prototype.hasOwnProperty.call(t, term) ? t[term] : [];
			var out = [], n = 0;
			for (var i = 0; i < d.length; i++)
				out.push(n += d[i]);
			return out;
		});
	}

	function doc(seg, n) {
		return get(dir(seg) + 'd' + Math.floor(n / CHUNK) + '.json').then(function (c) {
			return c[n % CHUNK];
		});
	}

	function intersect(a, b) {
		var out = [], i = 0, j = 0;
		while (i < a.length && j < b.length) {
			if (a[i] === b[j]) {
				out.push(a[i]);
				i++;
				j++;
			} else if (a[i] < b[j]) {
				i++;
			} else {
				j++;
			}
		}
		return out;
	}

	/* The matches of one segment, newest first, each {seg, n, score}. */
	function match(seg, q, best) {
		var inRange = (q.after === null || seg.lo >= q.after) &&
			(q.before === null || seg.hi < q.before);
		if ((q.after !== null && seg.hi < q.after) ||
			(q.before !== null && seg.lo >= q.before))
			return Promise.resolve([]);
		var all = [];
		for (var i = 0; i < seg.n; i++)
			all.push(i);
		var lists = q.terms.map(function (t) { return postings(seg, t); });
		return Promise.all(lists).then(function (ls) {
			var docs = ls.reduce(intersect, all);
			if (inRange)
				return docs;
			return Promise.all(docs.map(function (n) { return doc(seg, n); }))
				.then(function (rows) {
					return docs.filter(function (n, i) {
						var d = rows[i][0];
						return (q.after === null || d >= q.after) &&
							(q.before === null || d < q.before);
					});
				});
		}).then(function (docs) {
			var subj = best ? q.words.map(function (w) { return postings(seg, 's:' + w); }) : [];
			return Promise.all(subj).then(function (ss) {
				return docs.reverse().map(function (n) {
					var score = 0;
					ss.forEach(function (s) { if (s.indexOf(n) >= 0) score++; });
					return { seg: seg, n: n, score: score };
				});
			});
		});
	}

	/* Segments newest first, one, then two, four, eight at a time (a
	 * common query needs only the newest), until the page is full
	 * (newest first) or all are read (best match). */
	function search(segs, q, best, want) {
		var found = [], i = 0, size = best ? 8 : 1;
		function step() {
			if (i >= segs.length || (!best && found.length >= want))
				return Promise.resolve(i >= segs.length);
			var batch = segs.slice(i, i + size);
			i += batch.length;
			size = Math.min(8, size * 2);
			return Promise.all(batch.map(function (s) { return match(s, q, best); }))
				.then(function (rs) {
					rs.forEach(function (r) { found = found.concat(r); });
					return step();
				});
		}
		return step().then(function (complete) {
			if (best)
				found.sort(function (a, b) { return b.score - a.score; });
			return { hits: found, complete: complete };
		});
	}

	function el(tag, cls, text) {
		var e = document.createElement(tag);
		if (cls)
			e.className = cls;
		if (text !== undefined)
			e.textContent = text;
		return e;
	}

	function when(t) {
		return new Date(t * 1000).toISOString().slice(0, 16).replace('T', ' ');
	}

	// row[1] is "HH/NAME": the page's path under m/ (its shard); row[2]
	// "HH/NAME#ANCHOR": the message in its thread's page under t/.
	var NAME = /^[0-9a-f]{2}\/[A-Za-z0-9@_+.=-]+$/;
	var PLACE = /^([0-9a-f]{2}\/[A-Za-z0-9@_+.=-]+)(#m[0-9a-f]{12})$/;

	function item(row) {
		var li = el('li', 'hit'), a = el('a', 'subj', row[3] || '(no subject)');
		var meta = el('p', 'meta');
		if (NAME.test(row[1])) {
			a.href = 'm/' + row[1] + '.html';
			li.setAttribute('data-m', row[1].slice(3));
		}
		li.appendChild(a);
		meta.appendChild(el('span', 'from', row[4] || '(unknown sender)'));
		meta.appendChild(document.createTextNode(' \u00b7 '));
		var t = el('time', null, when(row[0]) + ' UTC');
		t.setAttribute('datetime', new Date(row[0] * 1000).toISOString());
		meta.appendChild(t);
		var place = PLACE.exec(row[2]);
		if (place) {
			var c = el('a', 'thread', 'Conversation');
			c.href = 't/' + place[1] + '.html' + place[2];
			meta.appendChild(document.createTextNode(' \u00b7 '));
			meta.appendChild(c);
		}
		li.appendChild(meta);
		if (row[5])
			li.appendChild(el('p', 'snip', row[5]));
		return li;
	}

	function link(params, p, label) {
		var u = new URLSearchParams(params);
		u.set('p', p);
		var a = el('a', null, label);
		a.href = 'search.html?' + u.toString();
		return a;
	}

	function run() {
		var t0 = performance.now();
		var params = new URLSearchParams(location.search);
		var qs = params.get('q') || '', best = params.get('sort') === 'best';
		var page = Math.max(1, parseInt(params.get('p'), 10) || 1);
		var per = Math.min(1000, Math.max(1, parseInt(params.get('per'), 10) || PER));
		var status = document.getElementById('status');
		var list = document.getElementById('results');
		var nav = document.getElementById('pages');
		var form = document.getElementById('search');
		form.elements.q.value = qs;
		form.elements.sort.value = best ? 'best' : '';
		function done(text) {
			status.textContent = text;
			status.setAttribute('data-ms', Math.round(performance.now() - t0));
			document.body.setAttribute('data-search', 'done');
		}
		var q = parse(qs);
		if (q.bad.length)
			return done('Not a date: ' + q.bad.join(', ') + ' (write 2024, 2024-07 or 2024-07-15).');
		if (!q.terms.length && q.after === null && q.before === null)
			return done(qs.trim() ? 'Nothing to search for in that query.' : 'Type the words to find.');
		status.textContent = 'Searching\u2026';
		get('search/index.json').then(function (ix) {
			CHUNK = ix.chunk || CHUNK;
			return search(ix.segments, q, best, page * per + 1);
		}).then(function (res) {
			var hits = res.hits.slice((page - 1) * per, page * per);
			return Promise.all(hits.map(function (h) { return doc(h.seg, h.n); }))
				.then(function (rows) {
					rows.forEach(function (r) { list.appendChild(item(r)); });
					var from = (page - 1) * per + 1, to = from + rows.length - 1;
					var more = res.hits.length > page * per;
					if (page > 1)
						nav.appendChild(link(params, page - 1, '\u2190 Previous'));
					if (more)
						nav.appendChild(link(params, page + 1, 'Next \u2192'));
					if (!rows.length)
						return done(page > 1 ? 'No more messages match.' : 'No message matches.');
					done('Messages ' + from + '\u2013' + to +
						(res.complete ? ' of ' + res.hits.length : '') +
						(best ? ', best match first.' : ', newest first.'));
				});
		}).catch(function (e) {
			done('The search index could not be read: ' + e.message);
		});
	}

	window.mailarcSearch = { terms: terms, parse: parse, fnv: fnv };
	if (document.getElementById('results') && document.getElementById('status'))
		run();
}());
