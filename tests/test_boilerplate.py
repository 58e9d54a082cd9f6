"""Tests for quotetrack.io.boilerplate."""
import pytest

from quotetrack.io.boilerplate import (boilerplate_ranges, in_ranges, load_patterns,
                                       merge_ranges)

# Made up, shaped like a news page copied from the web: header line, teaser lines, ad slots,
# social links, and a trailing "Also Read" teaser list.
PAGE = (
    " date 2024-03-05 Harbour strike ends after week of talks\n"
    "\n"
    "Dock workers returned to the quays on Tuesday.\n"
    "\n"
    "Advertisement\n"
    "\n"
    "The union said the deal \u201cmeets every demand we made\u201d.\n"
    "\n"
    "Port officials accused the union of holding the city hostage.\n"
    "\n"
    "ADVERTISEMENT\n"
    "\n"
    "The mayor welcomed the agreement.\n"
    "\n"
    "To stay informed about the latest news, please like our page https://example.org/page.\n"
    "\n"
    "Follow us on Twitter https://example.org/tw and stay updated.\n"
    "\n"
    "Subscribe to our channel https://example.org/yt for more videos.\n"
    "\n"
    "Also Read Ferry fares to rise in spring A new timetable was announced....\n"
    "Second teaser headline about the harbour\n"
    "\n"
    "\u00a9 2024 Example News. All rights reserved.\n"
)

BODY = [
    "Dock workers returned to the quays on Tuesday.",
    "The union said the deal \u201cmeets every demand we made\u201d.",
    "Port officials accused the union of holding the city hostage.",
    "The mayor welcomed the agreement.",
]


def covered(text, ranges):
    return [text[s:e] for s, e in ranges]


def test_seed_shaped_page():
    ranges = boilerplate_ranges(PAGE)
    got = covered(PAGE, ranges)
    assert got == [
        "Advertisement",
        "ADVERTISEMENT",
        "To stay informed about the latest news, please like our page https://example.org/page.",
        "Follow us on Twitter https://example.org/tw and stay updated.",
        "Subscribe to our channel https://example.org/yt for more videos.",
        # A teaser paragraph runs to the end of its paragraph, not further.
        "Also Read Ferry fares to rise in spring A new timetable was announced....\n"
        "Second teaser headline about the harbour",
        "\u00a9 2024 Example News. All rights reserved.",
    ]
    for para in BODY:
        start = PAGE.index(para)
        assert not in_ranges(start, start + len(para), ranges), para


@pytest.mark.parametrize("line", [
    "Advertisement", "  advertisement  ", "Sponsored", "Story continues below advertisement",
    "Read more: Harbour strike in pictures", "Click here to read the full report",
    "Sign up for our morning newsletter", "Share this article", "Related: Port reopens",
    "Related", "We use cookies to improve your experience.", "https://example.org/x",
    "www.example.org", "Copyright 2024 Example News", "All rights reserved.",
    "Image caption: Workers at the gate", "Image copyright Example Agency",
    "Photo: Example Agency", "- Follow us on Facebook", "More from Example News",
    "Join our WhatsApp channel for updates",
])
def test_boilerplate_lines(line):
    text = f"The talks ended.\n\n{line}\n\nThe strike is over."
    got = covered(text, boilerplate_ranges(text))
    assert len(got) == 1 and got[0] in line


@pytest.mark.parametrize("line", [
    "Readers of the paper said the deal was fair.",
    "The minister said: \u201cFollow us on this path.\u201d",
    "More from the minister\u2019s speech: she said the port would reopen.",
    "Related talks in the capital stalled, officials said.",
    "Subscribers to the service said prices had risen.",
    "He shared his advertisement budget with reporters.",
    "Advertisements for the ferry were pulled, the company said.",
])
def test_ordinary_sentences_are_not_boilerplate(line):
    text = f"The talks ended.\n\n{line}\n\nThe strike is over."
    assert boilerplate_ranges(text) == []


def test_line_mid_paragraph_marks_only_that_line():
    text = "First line of a paragraph\nAdvertisement\nlast line of it.\n"
    assert covered(text, boilerplate_ranges(text)) == ["Advertisement"]


def test_crlf_and_no_trailing_newline():
    text = "Talks ended.\r\n\r\nAdvertisement\r\n\r\nThe end"
    assert covered(text, boilerplate_ranges(text)) == ["Advertisement"]
    assert boilerplate_ranges("") == []
    assert covered("Advertisement", boilerplate_ranges("Advertisement")) == ["Advertisement"]


def test_merge_ranges():
    assert merge_ranges([(5, 8), (0, 2), (2, 3), (7, 10), (12, 12)]) == ((0, 3), (5, 10))


def test_in_ranges():
    ranges = [(10, 20), (30, 40)]
    assert in_ranges(15, 16, ranges)
    assert in_ranges(5, 11, ranges)
    assert in_ranges(19, 35, ranges)
    assert not in_ranges(20, 30, ranges)
    assert not in_ranges(0, 10, ranges)
    assert not in_ranges(40, 50, [])


def test_custom_pattern_file(tmp_path):
    f = tmp_path / "bp.txt"
    f.write_text("# comment\n[line]\nwatch:\n[paragraph]\nteasers\n", encoding="utf-8")
    text = "Watch: the video\n\nTeasers\nOne\nTwo\n\nBody."
    assert covered(text, boilerplate_ranges(text, patterns=str(f))) == [
        "Watch: the video", "Teasers\nOne\nTwo"]


def test_bad_pattern_file_names_the_line(tmp_path):
    f = tmp_path / "bp.txt"
    f.write_text("ok\n(unclosed\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        load_patterns(str(f))
    f2 = tmp_path / "bp2.txt"
    f2.write_text("[sentence]\nx\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown section"):
        load_patterns(str(f2))


def test_packaged_patterns_compile():
    line_re, para_re = load_patterns()
    assert line_re is not None and para_re is not None
