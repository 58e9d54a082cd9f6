"""Tests for quotetrack.io.readers. Every article here is made up."""
import io
import json

import pytest

from quotetrack.io.readers import (article_status, decode_bytes, iter_paths, parse_date,
                                   parse_header, read_inputs)
from quotetrack.records import Article, ArticleStatus

BODY = ("The council voted on Monday to close the old bridge.\n\n"
        "\u201cIt is no longer safe,\u201d the engineer said.\n")


def read(*inputs, **kw):
    return list(read_inputs([str(i) for i in inputs], **kw))


def one(*inputs, **kw):
    items = read(*inputs, **kw)
    assert len(items) == 1, items
    return items[0]


def write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_bytes(data.encode("utf-8"))
    return path


def skipped(article):
    return [article.text[s:e] for s, e in article.skip_ranges]


# ---------------------------------------------------------------- .txt


def test_txt_date_header(tmp_path):
    text = " date 2024-05-17 Bridge to close after vote\n\n" + BODY
    a = one(write(tmp_path / "bridge.txt", text))
    assert isinstance(a, Article)
    assert a.text == text  # nothing stripped, header included
    assert (a.article_id, a.date, a.title) == ("bridge", "2024-05-17", "Bridge to close after vote")
    assert skipped(a) == ["date 2024-05-17 Bridge to close after vote"]
    assert a.path == str(tmp_path / "bridge.txt")
    start = a.text.index("It is no longer safe")
    assert a.text[start:start + 20] == "It is no longer safe"


def test_txt_date_header_keep_title(tmp_path):
    a = one(write(tmp_path / "b.txt", "date 2024-05-17 Mayor says bridge will close\n\n" + BODY),
            skip_title=False)
    assert a.title == "Mayor says bridge will close"
    assert skipped(a) == ["date 2024-05-17"]


def test_txt_short_first_line_is_title(tmp_path):
    a = one(write(tmp_path / "b.txt", "\nOld bridge to close\n\n" + BODY))
    assert a.title == "Old bridge to close" and a.date is None
    assert skipped(a) == ["Old bridge to close"]
    a = one(write(tmp_path / "c.txt", "Rivals of the old bridge...\n\n" + BODY))
    assert a.title == "Rivals of the old bridge..."


@pytest.mark.parametrize("first", [
    "The council voted on Monday to close the old bridge.",  # a sentence
    "The council voted on Monday to close the old bridge,",  # runs on
    "The council voted on Monday to close the\nold bridge after years of repairs",  # wrapped
    "Advertisement",  # boilerplate
    "x" * 200,  # too long
])
def test_txt_no_title(tmp_path, first):
    a = one(write(tmp_path / "b.txt", first + "\n\nMore text follows here.\n"))
    assert a.title is None
    assert all(a.text[s:e] != first or first == "Advertisement" for s, e in a.skip_ranges)


def test_txt_single_line_is_not_title(tmp_path):
    a = one(write(tmp_path / "b.txt", "Bridge closes"))
    assert a.title is None and a.skip_ranges == ()


def test_parse_header_direct():
    assert parse_header("") == (None, None, None)
    assert parse_header("date 2024-02-30 Bad day\n\nText.") == ("Bad day", None, (0, 23))


def test_txt_bom_is_dropped_and_offsets_index_decoded_text(tmp_path):
    text = "Bridge to close\n\n" + BODY
    a = one(write(tmp_path / "b.txt", b"\xef\xbb\xbf" + text.encode("utf-8")))
    assert a.text == text
    assert skipped(a) == ["Bridge to close"]


def test_txt_crlf_kept(tmp_path):
    text = "Bridge to close\r\n\r\nThe engineer said it was unsafe.\r\n"
    a = one(write(tmp_path / "b.txt", text))
    assert a.text == text
    assert skipped(a) == ["Bridge to close"]


def test_txt_utf16(tmp_path):
    text = "Bridge to close\n\n" + BODY
    warnings = {}
    a = one(write(tmp_path / "b.txt", text.encode("utf-16")), warnings=warnings)
    assert a.text == text
    assert warnings == {"b": "decoded as UTF-16"}


def test_txt_cp1252_fallback(tmp_path):
    data = b"Bridge closes\n\n\x93It is unsafe,\x94 said Ren\xe9e.\n"
    warnings = {}
    a = one(write(tmp_path / "b.txt", data), warnings=warnings)
    assert isinstance(a, Article)
    assert a.text == "Bridge closes\n\n\u201cIt is unsafe,\u201d said Ren\u00e9e.\n"
    assert "cp1252" in warnings["b"]
    status = article_status(a, message=warnings["b"], attributions=2)
    assert (status.status, status.chars, status.attributions) == ("ok", len(a.text), 2)
    assert "cp1252" in status.message


def test_txt_neither_utf8_nor_cp1252(tmp_path):
    # 0x81 is undefined in cp1252.
    s = one(write(tmp_path / "b.txt", b"Bridge closes today\n\x81\x93abc"))
    assert isinstance(s, ArticleStatus) and s.status == "error"
    assert s.message == "not UTF-8 text (byte 0x81 at offset 20); re-encode it as UTF-8"


def test_binary_file(tmp_path):
    s = one(write(tmp_path / "b.txt", b"%PDF-1.4\x00\x01\x02\x03" * 10))
    assert s.status == "error" and s.message.startswith("binary file")
    s = one(write(tmp_path / "c.txt", bytes(range(1, 9)) * 100))
    assert s.message.startswith("binary file")


@pytest.mark.parametrize("data", [b"", b"  \n\n\t \n"])
def test_empty_file(tmp_path, data):
    s = one(write(tmp_path / "empty.txt", data))
    assert (s.article_id, s.status) == ("empty", "error")
    assert s.message.startswith("empty")


def test_too_large(tmp_path):
    s = one(write(tmp_path / "big.txt", "Bridge closes.\n" * 100), max_bytes=100)
    assert s.status == "error"
    assert s.message == "too large (1500 bytes > 100; raise --max-bytes)"


def test_unknown_extension_read_as_text(tmp_path):
    a = one(write(tmp_path / "story.md", "Bridge closes\n\n" + BODY))
    assert isinstance(a, Article) and a.article_id == "story"


def test_unbalanced_quotes_are_fine(tmp_path):
    a = one(write(tmp_path / "q.txt", "He said \u201cthe bridge is \"unsafe.\n"))
    assert isinstance(a, Article)


# ---------------------------------------------------------------- JSONL / JSON


def test_jsonl_with_bad_lines(tmp_path):
    lines = [
        json.dumps({"id": "a1", "text": "Advertisement\n\nThe mayor said it was safe.",
                    "title": "Safe", "date": "2024-05-17T10:00:00Z", "source": "Gazette",
                    "url": "https://example.org/a1"}),
        "{not json",
        "",
        json.dumps({"text": "The engineer disagreed.", "date": "17 May 2024"}),
        json.dumps({"id": "x", "title": "no text"}),
        json.dumps(["a list"]),
        json.dumps({"text": "   "}),
        json.dumps({"Text": "Keys are case-insensitive.", "ID": 7}),
    ]
    path = write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")
    items = read(path)
    ok = [i for i in items if isinstance(i, Article)]
    bad = [i for i in items if isinstance(i, ArticleStatus)]
    assert [a.article_id for a in ok] == ["a1", "feed-4", "7"]
    a1 = ok[0]
    assert (a1.title, a1.date, a1.source, a1.url) == (
        "Safe", "2024-05-17", "Gazette", "https://example.org/a1")
    assert skipped(a1) == ["Advertisement"]
    assert ok[1].date == "2024-05-17"
    assert [(s.article_id, s.status) for s in bad] == [
        ("feed-2", "error"), ("x", "error"), ("feed-6", "error"), ("feed-7", "error")]
    assert bad[0].message.startswith("line 2 of feed.jsonl: not valid JSON")
    assert "line 5 of feed.jsonl: no 'text' field" in bad[1].message
    assert "expected an object" in bad[2].message
    assert "empty text" in bad[3].message
    assert all(s.path == str(path) for s in items)


def test_jsonl_record_too_large(tmp_path):
    path = write(tmp_path / "f.jsonl", json.dumps({"text": "x" * 500}) + "\n"
                 + json.dumps({"text": "short"}) + "\n")
    items = read(path, max_bytes=100)
    assert items[0].status == "error" and "too large" in items[0].message
    assert isinstance(items[1], Article)


def test_json_shapes(tmp_path):
    one_obj = one(write(tmp_path / "single.json", json.dumps({"text": "One story."})))
    assert one_obj.article_id == "single" and one_obj.text == "One story."
    listed = read(write(tmp_path / "list.json", json.dumps(
        [{"text": "First."}, 5, {"id": "s2", "text": "Second."}])))
    assert [i.article_id for i in listed] == ["list-1", "list-2", "s2"]
    assert listed[1].status == "error" and "record 2 of list.json" in listed[1].message
    wrapped = read(write(tmp_path / "wrapped.json", json.dumps(
        {"source": "ignored", "articles": [{"text": "A."}, {"text": "B."}]})))
    assert [i.text for i in wrapped] == ["A.", "B."]


def test_json_exact_text_offsets(tmp_path):
    text = "Line one.\n\u201cQuote,\u201d she said.\tTabbed \\ backslash"
    a = one(write(tmp_path / "t.json", json.dumps({"text": text})))
    assert a.text == text


def test_malformed_json_file(tmp_path):
    s = one(write(tmp_path / "broken.json", '[{"text": "A."}, {"text": '))
    assert s.status == "error" and s.article_id == "broken"
    assert s.message.startswith("broken.json: not valid JSON")
    s = one(write(tmp_path / "lines.json", '{"text": "A."}\n{"text": "B."}\n'))
    assert "name it .jsonl" in s.message
    s = one(write(tmp_path / "num.json", "42"))
    assert "expected an object" in s.message


# ---------------------------------------------------------------- CSV / TSV


def test_csv_quotes_newlines_and_bad_rows(tmp_path):
    # Row 1: the unquoted date with a comma makes 5 fields, an error, not a crash.
    data = "id,Title,text,date\r\n" 'c1,Bridge,"Text.",September 17, 2024\r\n'
    data += 'c2,Bridge,"The mayor said: ""It is safe.""\r\nNext, a comma.","May 17, 2024"\r\n'
    data += "c3,No text,,2024-05-17\r\n"
    data += "\r\n"
    data += ',Untitled,"Last one.",\r\n'
    items = read(write(tmp_path / "sheet.csv", data))
    assert [(i.article_id, type(i).__name__) for i in items] == [
        ("sheet-1", "ArticleStatus"), ("c2", "Article"), ("c3", "ArticleStatus"),
        ("sheet-4", "Article")]
    assert "row 1 (line 2) of sheet.csv: 5 fields, the header has 4" in items[0].message
    assert items[1].date == "2024-05-17" and items[1].title == "Bridge"
    assert items[1].text == 'The mayor said: "It is safe."\r\nNext, a comma.'
    assert "row 3" in items[2].message and "empty text" in items[2].message
    assert items[3].title == "Untitled" and items[3].date is None


def test_csv_embedded_newline_exact(tmp_path):
    text = 'She said: "It is safe."\r\nThen left.\n\nAdvertisement'
    path = tmp_path / "s.csv"
    import csv

    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["text", "id"])
        w.writerow([text, "only"])
    a = one(path)
    assert a.text == text
    assert skipped(a) == ["Advertisement"]


def test_csv_without_text_column(tmp_path):
    s = one(write(tmp_path / "meta.csv", "id,body\n1,hello\n"))
    assert s.status == "error" and "no 'text' column (columns: id, body)" in s.message


def test_csv_big_field_and_cp1252(tmp_path):
    big = "word " * 60_000  # 300 KB, over the csv module's default field limit
    path = write(tmp_path / "big.csv", "text\n" + big + "\n")
    assert one(path).text == big
    warnings = {}
    a = one(write(tmp_path / "excel.csv", b'id,text\ne1,"\x93Safe,\x94 she said"\n'),
            warnings=warnings)
    assert a.text == "\u201cSafe,\u201d she said" and "cp1252" in warnings["e1"]


def test_tsv(tmp_path):
    items = read(write(tmp_path / "t.tsv", "id\ttext\nt1\tThe mayor spoke.\nt2\n"))
    assert items[0].text == "The mayor spoke."
    assert items[1].status == "error" and "1 fields, the header has 2" in items[1].message


# ---------------------------------------------------------------- paths


def test_missing_path_and_empty_glob(tmp_path):
    items = read(tmp_path / "nope.txt", tmp_path / "*.nothing")
    assert [(i.status, i.message) for i in items] == [
        ("error", "no such file or folder"), ("error", "no files match this pattern")]
    assert items[0].article_id == "nope"


def test_folder_recursion_and_glob(tmp_path):
    for rel in ["b.txt", "a/z.txt", "a/y.jsonl", "a/notes.ann", ".hidden/h.txt", "a/.h.txt",
                "c/readme"]:
        write(tmp_path / "in" / rel, "Bridge closes\n\nText." if not rel.endswith("jsonl")
              else '{"text": "J."}\n')
    got = list(iter_paths([str(tmp_path / "in")]))
    assert [p[len(str(tmp_path / "in")) + 1:] for p in got] == ["a/y.jsonl", "a/z.txt", "b.txt"]
    # Globs read any extension; a file reached twice is read once.
    got = list(iter_paths([str(tmp_path / "in" / "a" / "*"), str(tmp_path / "in" / "a")]))
    assert [p.rsplit("/", 1)[1] for p in got] == ["notes.ann", "y.jsonl", "z.txt"]
    got = list(iter_paths([str(tmp_path / "in" / "**" / "*.txt")]))
    assert [p.rsplit("/", 1)[1] for p in got] == ["z.txt", "b.txt"]
    assert [i.article_id for i in read(tmp_path / "in")] == ["y-1", "z", "b"]


def test_empty_folder(tmp_path):
    (tmp_path / "empty").mkdir()
    s = one(tmp_path / "empty")
    assert s.status == "error" and s.message.startswith("folder has no files to read")


def test_duplicate_stems(tmp_path):
    p1 = write(tmp_path / "sport" / "001.txt", "Match report\n\nThe coach said it was fine.")
    p2 = write(tmp_path / "tech" / "001.txt", "Phone review\n\nThe maker said it was fast.")
    p3 = write(tmp_path / "tech" / "001.json", json.dumps({"text": "Same stem, same folder."}))
    assert [a.article_id for a in read(p1, p2, p3)] == [
        "sport__001", "tech__001.txt", "tech__001.json"]
    assert [a.article_id for a in read(p1, p2)] == ["sport__001", "tech__001"]


def test_duplicate_ids_are_renamed(tmp_path):
    p1 = write(tmp_path / "story.txt", "The mayor said yes.")
    p2 = write(tmp_path / "more.jsonl", '{"id": "story", "text": "The mayor said no."}\n')
    warnings = {}
    assert [a.article_id for a in read(p1, p2, warnings=warnings)] == ["story", "story-2"]
    assert "renamed to 'story-2'" in warnings["story-2"]


def test_stdin_text_and_jsonl():
    a = one("-", stdin=io.StringIO("Bridge closes\n\n" + BODY))
    assert (a.article_id, a.path, a.title) == ("stdin", "-", "Bridge closes")
    items = read("-", stdin=io.StringIO('{"text": "One."}\n{"id": "s", "text": "Two."}\n'))
    assert [(i.article_id, i.text) for i in items] == [("stdin-1", "One."), ("s", "Two.")]
    a = one("-", stdin=io.BytesIO(b"\xef\xbb\xbfPlain bytes with a BOM."))
    assert a.text == "Plain bytes with a BOM."
    s = one("-", stdin=io.StringIO("  \n"))
    assert s.status == "error" and "empty" in s.message


# ---------------------------------------------------------------- fields


@pytest.mark.parametrize("value,expected", [
    ("2023-09-22", "2023-09-22"),
    ("2023-09-22T10:00:00Z", "2023-09-22"),
    ("2023-09-22 10:00", "2023-09-22"),
    ("2023/9/2", "2023-09-02"),
    ("22 September 2023", "2023-09-22"),
    ("Friday, 22 Sept. 2023", "2023-09-22"),
    ("September 22, 2023", "2023-09-22"),
    ("Sep 22nd 2023", "2023-09-22"),
    ("2023-02-30", None),
    ("09/10/2023", None),
    ("yesterday", None),
    ("", None),
    (None, None),
    (20230922, None),
])
def test_parse_date(value, expected):
    assert parse_date(value) == expected


def test_decode_bytes():
    assert decode_bytes("caf\u00e9".encode("utf-8")) == ("caf\u00e9", "")
    assert decode_bytes(b"caf\xe9")[0] == "caf\u00e9"
    with pytest.raises(ValueError, match="binary"):
        decode_bytes(b"\x00\x00\x00abc")


# ---------------------------------------------------------------- shared corpora

SHARED = __import__("pathlib").Path(__file__).resolve().parents[2] / "shared" / "corpora"


@pytest.mark.shared
def test_shared_seed_and_latin1_file():
    seed = SHARED / "seed" / "nagorno-karabakh-truce.txt"
    latin1 = SHARED / "bbc" / "sport" / "199.txt"
    if not seed.is_file() or not latin1.is_file():
        pytest.skip("../shared corpora are absent")
    warnings = {}
    a, b = read(seed, latin1, warnings=warnings)
    assert a.date == "2023-09-22" and a.title
    parts = skipped(a)
    assert parts[0].startswith("date 2023-09-22")
    assert parts.count("Advertisement") >= 3
    assert any(p.startswith("Also Read") for p in parts)
    assert isinstance(b, Article) and "cp1252" in warnings[b.article_id]
