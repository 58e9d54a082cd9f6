"""Model management (status, download errors), the `models` CLI, and StanzaAnnotator loading."""
import io
import json
import zipfile

import pytest
from click.testing import CliRunner

from quotetrack import models
from quotetrack.models import ModelsMissing
from quotetrack.nlp import StanzaAnnotator
from quotetrack.cli import cli
from quotetrack.records import Article


def fake_pt(size):
    """Bytes shaped like a torch.save file (a zip archive) of exactly ``size`` bytes (at
    least ~150); no model inside."""
    def archive(n):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
            z.writestr("archive/data.pkl", b"x" * n)
        return buf.getvalue()

    overhead = len(archive(0))
    return archive(max(0, size - overhead))


def fake_models(root, processors, *, with_embeddings=True):
    """A model folder with tiny zip-archive model files and a minimal resources.json (no
    real models)."""
    dep = [{"model": "pretrain", "package": "conll17"}]
    res = {"en": {"default_processors": {"tokenize": "combined", "mwt": "combined", "lemma": "combined",
                                         "pos": "combined", "depparse": "combined", "ner": "ontonotes"},
                  "pos": {"combined": {"dependencies": dep}}, "depparse": {"combined": {"dependencies": dep}},
                  "ner": {"ontonotes": {"dependencies": dep}}}}
    root.mkdir(parents=True, exist_ok=True)
    (root / "resources.json").write_text(json.dumps(res), encoding="utf-8")
    for proc in processors:
        name = res["en"]["default_processors"][proc]
        (root / "en" / proc).mkdir(parents=True)
        (root / "en" / proc / f"{name}.pt").write_bytes(fake_pt(200))
    if with_embeddings:
        (root / "en" / "pretrain").mkdir(parents=True)
        (root / "en" / "pretrain" / "conll17.pt").write_bytes(fake_pt(1000))
    return root


def test_status_of_an_empty_folder(tmp_path):
    st = models.status(tmp_path / "nothing")
    assert not st.exists and st.loadable == [] and st.path == models.PATH_BUILTIN
    text = models.format_status(st)
    assert "extract --nlp auto will use: builtin" in text
    assert "quotetrack models download" in text


def test_status_says_which_path_extract_takes(tmp_path):
    full = models.status(fake_models(tmp_path / "full", models.DEFAULT_PROCESSORS))
    assert full.path == models.PATH_PARSE
    assert set(full.loadable) == set(models.DEFAULT_PROCESSORS)
    assert full.total_bytes == 6 * 200 + 1000
    tok = models.status(fake_models(tmp_path / "tok", ["tokenize", "mwt"], with_embeddings=False))
    assert tok.path == models.PATH_TOKENIZE
    # a parser without its embeddings is installed but cannot load
    broken = models.status(fake_models(tmp_path / "broken", models.DEFAULT_PROCESSORS, with_embeddings=False))
    dep = {p.name: p for p in broken.processors}["depparse"]
    assert dep.installed and not dep.loadable and dep.missing_dependencies == ("pretrain/conll17",)
    assert broken.path == models.PATH_TOKENIZE
    assert "incomplete" in models.format_status(broken)


def test_status_does_not_call_a_folder_of_garbage_files_ok(tmp_path):
    root = fake_models(tmp_path / "garbage", models.DEFAULT_PROCESSORS)
    whole = fake_pt(5000)
    damage = {"tokenize": b"x" * 100,                      # not a torch file at all
              "mwt": b"",                                  # empty
              "pos": whole[:len(whole) // 2],              # a zip cut short: no directory
              "lemma": b"<html>404 Not Found</html>"}      # an error page saved as a model
    for proc, data in damage.items():
        next((root / "en" / proc).glob("*.pt")).write_bytes(data)
    st = models.status(root)
    by_name = {p.name: p for p in st.processors}
    for proc in damage:
        assert by_name[proc].installed and not by_name[proc].loadable, proc
        assert by_name[proc].damaged, proc
    assert "truncated" in by_name["pos"].damaged[0] and "empty" in by_name["mwt"].damaged[0]
    assert st.path == models.PATH_BUILTIN
    text = models.format_status(st)
    for proc in damage:
        line = next(x for x in text.splitlines() if x.strip().startswith(proc))
        assert " ok " not in line and "damaged" in line, line
    # A damaged embedding file makes the processors that need it incomplete, not ok.
    (root / "en" / "pretrain" / "conll17.pt").write_bytes(b"\0" * 64)
    dep = {p.name: p for p in models.status(root).processors}["depparse"]
    assert not dep.loadable and "pretrain/conll17" in dep.missing_dependencies[0]


def test_status_needs_a_resources_json_that_parses(tmp_path):
    root = fake_models(tmp_path, models.DEFAULT_PROCESSORS)
    assert models.status(root).path == models.PATH_PARSE
    (root / "resources.json").write_bytes(b"\x89PNG garbage {")
    st = models.status(root)
    assert st.loadable == [] and st.path == models.PATH_BUILTIN
    assert "not valid JSON" in st.resources_error
    assert "resources.json not valid JSON" in models.format_status(st)
    (root / "resources.json").write_text("[1, 2]", encoding="utf-8")
    assert models.status(root).loadable == []
    result = CliRunner().invoke(cli, ["models", "status", "--models-dir", str(root), "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["resources_error"]


def test_legacy_pickle_model_files_count_as_model_files(tmp_path):
    # Stanza's older models (the shared tokenizer among them) are torch's legacy format:
    # a pickle starting with protocol 2 and torch's magic number.
    legacy = tmp_path / "old.pt"
    legacy.write_bytes(b"\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19." + b"\0" * 50)
    assert models.model_file_problem(legacy) is None
    modern = tmp_path / "new.pt"
    modern.write_bytes(fake_pt(300))
    assert models.model_file_problem(modern) is None
    assert models.model_file_problem(tmp_path / "missing.pt").startswith("unreadable")


def test_processor_lists_are_checked_and_completed():
    assert models.parse_processors("depparse") == ["tokenize", "mwt", "pos", "lemma", "depparse"]
    assert models.parse_processors(None) == list(models.DEFAULT_PROCESSORS)
    assert models.parse_processors("tokenize", coref=True) == ["tokenize", "mwt", "coref"]
    with pytest.raises(models.ModelsError, match="unknown processor"):
        models.parse_processors("tokenize,sentiment")


def _offline(*args, **kwargs):
    import requests

    raise requests.exceptions.ConnectionError(
        "HTTPSConnectionPool(host='models.example.invalid', port=443): Max retries exceeded "
        "(Caused by NameResolutionError(\"Failed to resolve 'models.example.invalid'\"))")


def test_failed_download_is_one_clear_line(tmp_path, monkeypatch):
    import stanza

    monkeypatch.setattr(stanza, "download", _offline)
    target = tmp_path / "new" / "models"
    with pytest.raises(models.ModelsError, match="no connection"):
        models.download(["tokenize"], target)
    assert not target.exists()  # no empty folders left behind

    result = CliRunner().invoke(cli, ["models", "download", "--models-dir", str(target)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "no connection" in errors[0]
    assert result.stdout == ""


def test_download_passes_the_processors_to_stanza(tmp_path, monkeypatch):
    import stanza

    calls = []
    monkeypatch.setattr(stanza, "download", lambda lang, **kw: calls.append((lang, kw)))
    result = CliRunner().invoke(cli, ["models", "download", "--processors", "depparse", "--quiet",
                                      "--models-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (lang, kw), = calls
    assert lang == "en" and kw["processors"] == "tokenize,mwt,pos,lemma,depparse"
    assert kw["model_dir"] == str(tmp_path) and kw["logging_level"] == "WARN"


def test_models_status_cli(tmp_path):
    fake_models(tmp_path, ["tokenize", "mwt"])
    result = CliRunner().invoke(cli, ["models", "status", "--models-dir", str(tmp_path)])
    assert result.exit_code == 0
    assert "tokenize  ok" in result.stdout and "stanza tokenize-only" in result.stdout
    result = CliRunner().invoke(cli, ["models", "status", "--models-dir", str(tmp_path), "--json"])
    assert json.loads(result.stdout)["path"] == "stanza tokenize-only"


def test_annotator_with_no_models_names_the_command(tmp_path):
    with pytest.raises(ModelsMissing, match="quotetrack models download"):
        StanzaAnnotator(tmp_path)


def test_annotator_asked_for_a_missing_parser_names_the_command(tmp_path):
    root = fake_models(tmp_path, ["tokenize", "mwt"])
    with pytest.raises(ModelsMissing, match=r"--processors pos,lemma,depparse"):
        StanzaAnnotator(root, processors=["tokenize", "mwt", "depparse"])
    # without an explicit request it settles for what is there
    assert StanzaAnnotator(root).processors == frozenset({"tokenize", "mwt"})


# ------------------------------------------------------------------------ real Stanza models

@pytest.fixture(scope="module")
def stanza_dir():
    from conftest import shared_path

    return shared_path("models", "stanza")


@pytest.mark.shared
def test_real_stanza_pipeline_tokenizes_a_made_up_article(stanza_dir):
    ann = StanzaAnnotator(stanza_dir, device="cpu")
    assert ann.processors == frozenset({"tokenize", "mwt"}) and not ann.selective
    text = "The envoy said the talks “won’t stop”. Nobody answered."
    (doc,) = list(ann.annotate([Article("x", text)]))
    assert all(text[t.start:t.end] == t.text or t.text in ("will", "not") for t in doc.tokens)
    assert len(doc.sentences) == 2
    assert "wo" in [t.text for t in doc.tokens] or "will" in [t.text for t in doc.tokens]
    assert not doc.has("depparse")


class FakeHeavy:
    """Stands in for the pre-tokenized pos/lemma/depparse/ner pipeline (not installed here):
    every word hangs from the first; capitalised words are PERSON."""

    def __init__(self):
        self.calls = []

    def __call__(self, sentences):
        from stanza.models.common.doc import Document

        self.calls.append(sentences)
        out = []
        for words in sentences:
            out.append([{"id": i + 1, "text": w, "lemma": w.lower(), "upos": "X",
                         "head": 0 if i == 0 else 1, "deprel": "root" if i == 0 else "dep",
                         "ner": "S-PERSON" if i and w[:1].isupper() else "O"} for i, w in enumerate(words)])
        return Document(out)


@pytest.mark.shared
def test_heavy_processors_see_only_candidate_sentences_batched_across_articles(stanza_dir):
    ann = StanzaAnnotator(stanza_dir, device="cpu")
    ann.processors = frozenset({"tokenize", "mwt", "pos", "lemma", "depparse", "ner"})
    ann.selective = True
    ann._heavy = fake = FakeHeavy()
    arts = [Article("a", "The sky was grey. Then Bob said it would rain."),
            Article("b", "Nothing here. “Quoted words,” wrote Ann.")]
    docs = list(ann.annotate(arts))
    assert len(fake.calls) == 1  # one call for the whole batch
    assert [" ".join(ws) for ws in fake.calls[0]] == ["Then Bob said it would rain .",
                                                      "“ Quoted words , ” wrote Ann ."]
    a, b = docs
    assert a.has("depparse")
    plain = a.tokens[a.sentences[0][0]:a.sentences[0][1]]
    parsed = a.tokens[a.sentences[1][0]:a.sentences[1][1]]
    assert all(t.deprel is None and t.lemma is None for t in plain)
    assert parsed[0].deprel == "root" and parsed[1].head == a.sentences[1][0]
    assert [(a.tokens[e.start].text, e.type) for e in a.entities] == [("Bob", "PERSON")]
    assert [(b.tokens[e.start].text, e.type) for e in b.entities] == [("Quoted", "PERSON"), ("Ann", "PERSON")]
    for doc, art in zip(docs, arts):
        assert all(art.text[t.start:t.end] == t.text for t in doc.tokens)
