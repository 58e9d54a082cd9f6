"""Stanza model management: what is installed where, and downloading what is missing.

quotetrack never downloads anything while extracting (pipelines are built with
``download_method=None``); downloads happen only through :func:`download`
(``quotetrack models download``). :func:`status` (``quotetrack models status``) reads the
model folder and its ``resources.json`` -- no Stanza or torch import -- and says which
extraction path ``quotetrack extract --nlp auto`` will take:

* ``builtin`` -- no Stanza English tokenizer: the built-in tokenizer and entity recognizer;
* ``stanza tokenize-only`` -- Stanza's tokenizer (and mwt);
* ``stanza full parse`` -- pos, lemma and depparse are loadable too.

On every path the spans come from the tagger (CRF or neural) on the built-in tokens it was
trained on; Stanza's entities and coreference, when installed, serve speaker resolution.

"Loadable" is checked without loading: ``resources.json`` must parse, and every model file
a processor needs must look like a PyTorch file (a non-empty zip archive with its central
directory, which is what ``torch.save`` writes, or a legacy pickle-format file), so a folder of
empty, truncated or garbage ``.pt`` files is not reported ``ok``.
"""
from __future__ import annotations

import importlib.util
import json
import logging
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

log = logging.getLogger(__name__)

#: What ``quotetrack models download`` fetches by default.
DEFAULT_PROCESSORS = ("tokenize", "mwt", "pos", "lemma", "depparse", "ner")
#: Every processor quotetrack can use (coref only on request).
KNOWN_PROCESSORS = DEFAULT_PROCESSORS + ("coref",)
#: The processors of a full parse.
PARSE_PROCESSORS = ("pos", "lemma", "depparse")
#: Python packages Stanza's coreference model needs (the ``quotetrack[coref]`` extra).
COREF_PACKAGES = ("transformers", "peft")

PATH_BUILTIN = "builtin"
PATH_TOKENIZE = "stanza tokenize-only"
PATH_PARSE = "stanza full parse"


#: Processors quotetrack can use, in Stanza's names and pipeline order.
PROCESSORS = ("tokenize", "mwt", "pos", "lemma", "depparse", "ner", "coref")


class ModelsMissing(RuntimeError):
    """A model quotetrack needs is not installed or cannot be loaded; the message is one
    line that names the command which fixes it. The one exception family for models."""


class ModelsError(ModelsMissing):
    """A model operation (download, processor choice) failed."""


def default_models_dir() -> Path:
    """Where Stanza keeps models: ``$STANZA_RESOURCES_DIR`` or Stanza's own default."""
    env = os.environ.get("STANZA_RESOURCES_DIR")
    if env:
        return Path(env)
    try:
        from stanza.resources.common import DEFAULT_MODEL_DIR  # cheap: no torch import
        return Path(DEFAULT_MODEL_DIR)
    except Exception:  # stanza not importable
        return Path.home() / "stanza_resources"


def installed_processors(models_dir: Optional[os.PathLike] = None) -> Dict[str, Path]:
    """English processors whose model files exist under ``models_dir``: {processor: path}."""
    root = Path(models_dir) if models_dir else default_models_dir()
    found: Dict[str, Path] = {}
    en = root / "en"
    if not (root / "resources.json").is_file() or not en.is_dir():
        return found
    for proc in PROCESSORS:
        d = en / proc
        if d.is_dir() and any(d.glob("*.pt")):
            found[proc] = d
    return found


@dataclass(frozen=True)
class ProcessorStatus:
    """One processor in one model folder."""

    name: str
    installed: bool  # a model file exists for it
    loadable: bool  # ... and so do the models it depends on (pretrain, charlm)
    path: Optional[str] = None
    files: Tuple[str, ...] = ()
    size_bytes: int = 0
    missing_dependencies: Tuple[str, ...] = ()
    damaged: Tuple[str, ...] = ()  # "file: why" for model files that are no PyTorch file

    def to_dict(self) -> dict:
        return {"name": self.name, "installed": self.installed, "loadable": self.loadable,
                "path": self.path, "files": list(self.files), "size_bytes": self.size_bytes,
                "missing_dependencies": list(self.missing_dependencies),
                "damaged": list(self.damaged)}


@dataclass(frozen=True)
class ModelStatus:
    """The English Stanza models in one folder."""

    models_dir: str
    exists: bool
    resources_json: bool
    processors: Tuple[ProcessorStatus, ...] = ()
    dependency_bytes: int = 0  # pretrain and charlm files
    stanza_installed: bool = True
    coref_extra: bool = False
    path: str = PATH_BUILTIN
    resources_error: Optional[str] = None  # why resources.json, present, cannot be used

    @property
    def loadable(self) -> List[str]:
        return [p.name for p in self.processors if p.loadable]

    @property
    def total_bytes(self) -> int:
        return sum(p.size_bytes for p in self.processors) + self.dependency_bytes

    def to_dict(self) -> dict:
        return {"models_dir": self.models_dir, "exists": self.exists, "resources_json": self.resources_json,
                "processors": [p.to_dict() for p in self.processors],
                "dependency_bytes": self.dependency_bytes, "total_bytes": self.total_bytes,
                "stanza_installed": self.stanza_installed, "coref_extra": self.coref_extra,
                "path": self.path, "resources_error": self.resources_error}


def _size(paths: Sequence[Path]) -> int:
    total = 0
    for p in paths:
        try:
            total += p.stat().st_size
        except OSError:
            pass
    return total


def _resources(root: Path) -> dict:
    return _read_resources(root)[0]


def _read_resources(root: Path) -> Tuple[dict, Optional[str]]:
    """The English entry of ``resources.json``, and why it cannot be used (None when fine)."""
    try:
        with open(root / "resources.json", encoding="utf-8") as f:
            data = json.load(f)
    except OSError as e:
        return {}, f"unreadable ({e.strerror})"
    except (ValueError, RecursionError) as e:
        return {}, f"not valid JSON ({type(e).__name__})"
    if not isinstance(data, dict):
        return {}, "not a JSON object"
    en = data.get("en")
    seen = set()
    while isinstance(en, dict) and "alias" in en and str(en["alias"]) not in seen:
        seen.add(str(en["alias"]))
        en = data.get(en["alias"])
    if not isinstance(en, dict):
        return {}, "no English (\"en\") entry"
    return en, None


_ZIP_MAGIC = b"PK\x03\x04"


def model_file_problem(path: os.PathLike) -> Optional[str]:
    """Why ``path`` is not a PyTorch model file, or None when it looks like one.

    Reads the first bytes (and a zip archive's central directory), never the whole file:
    ``torch.save`` writes a zip archive; older Stanza models are pickle files (protocol 2+).
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            head = f.read(4)
    except OSError as e:
        return f"unreadable ({e.strerror})"
    if size == 0:
        return "empty"
    if head == _ZIP_MAGIC:
        # A download cut short has the header but not the central directory at the end.
        return None if zipfile.is_zipfile(path) else "truncated zip archive"
    if len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5:
        return None  # a pickle: torch's legacy format
    return "not a PyTorch model file"


def _dependencies(en: dict, proc: str, package: Optional[str]) -> List[Tuple[str, str]]:
    """(model type, package) pairs a processor's package needs, from resources.json."""
    if not package:
        return []
    spec = en.get(proc, {}).get(package, {})
    deps = spec.get("dependencies") or []
    return [(d.get("model"), d.get("package")) for d in deps if d.get("model")]


def _default_package(en: dict, proc: str) -> Optional[str]:
    defaults = en.get("default_processors") or {}
    return defaults.get(proc) or (defaults.get("optional") or {}).get(proc)


def extraction_path(loadable: Sequence[str]) -> str:
    """The path ``extract --nlp auto`` takes with these loadable processors."""
    if "tokenize" not in loadable:
        return PATH_BUILTIN
    if all(p in loadable for p in PARSE_PROCESSORS):
        return PATH_PARSE
    return PATH_TOKENIZE


def status(models_dir: Optional[os.PathLike] = None) -> ModelStatus:
    """What is installed under ``models_dir`` (default: :func:`default_models_dir`).

    Reads files only: no Stanza or torch import.
    """
    root = Path(models_dir) if models_dir else default_models_dir()
    en_dir = root / "en"
    has_json = (root / "resources.json").is_file()
    en, resources_error = _read_resources(root) if has_json else ({}, None)
    usable_json = has_json and resources_error is None
    procs: List[ProcessorStatus] = []
    dep_files: Dict[str, List[Path]] = {}
    for proc in KNOWN_PROCESSORS:
        d = en_dir / proc
        files = sorted(d.glob("*.pt")) if d.is_dir() else []
        if not files:
            procs.append(ProcessorStatus(proc, False, False))
            continue
        package = _default_package(en, proc)
        chosen = [f for f in files if f.stem == package] or files
        damaged = tuple(f"{f.name}: {why}" for f in files
                        for why in [model_file_problem(f)] if why)
        missing = []
        for model, pkg in _dependencies(en, proc, chosen[0].stem):
            dep = en_dir / model / f"{pkg}.pt"
            if dep.is_file():
                dep_files.setdefault(str(dep), [dep])
                why = model_file_problem(dep)
                if why:
                    missing.append(f"{model}/{pkg} ({why})")
            else:
                missing.append(f"{model}/{pkg}")
        # without resources.json the dependencies are unknown: say loadable when no
        # processor that normally needs a pretrain file lacks one
        if not has_json and proc in ("pos", "depparse", "ner") and not (en_dir / "pretrain").is_dir():
            missing.append("pretrain")
        chosen_ok = not any(x.startswith(chosen[0].name + ":") for x in damaged)
        procs.append(ProcessorStatus(proc, True, usable_json and chosen_ok and not missing,
                                     str(d), tuple(f.name for f in files), _size(files),
                                     tuple(missing), damaged))
    for extra in ("pretrain", "forward_charlm", "backward_charlm"):
        d = en_dir / extra
        if d.is_dir():
            for f in d.glob("*.pt"):
                dep_files.setdefault(str(f), [f])
    loadable = [p.name for p in procs if p.loadable]
    coref_extra = all(importlib.util.find_spec(m) is not None for m in COREF_PACKAGES)
    return ModelStatus(
        models_dir=str(root), exists=root.is_dir(), resources_json=has_json, processors=tuple(procs),
        dependency_bytes=_size([fs[0] for fs in dep_files.values()]),
        stanza_installed=importlib.util.find_spec("stanza") is not None,
        coref_extra=coref_extra, path=extraction_path(loadable), resources_error=resources_error)


def human_size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"  # pragma: no cover


def format_status(st: ModelStatus) -> str:
    """The report ``quotetrack models status`` prints."""
    lines = [f"Stanza English models in {st.models_dir}"]
    if not st.exists:
        lines.append("  (folder does not exist)")
    elif not st.resources_json:
        lines.append("  (no resources.json: not a Stanza model folder)")
    elif st.resources_error:
        lines.append(f"  (resources.json {st.resources_error}: not a usable Stanza model folder)")
    for p in st.processors:
        if not p.installed:
            state = "missing"
            where = ""
        elif p.damaged and not p.loadable:
            state = "damaged"
            where = f"{human_size(p.size_bytes):>9}  {p.path}  ({'; '.join(p.damaged)})"
        elif p.loadable:
            state = "ok"
            where = f"{human_size(p.size_bytes):>9}  {p.path}"
        else:
            state = "incomplete"
            needs = ", ".join(p.missing_dependencies) or "a valid resources.json"
            where = f"{human_size(p.size_bytes):>9}  {p.path}  (needs {needs})"
        lines.append(f"  {p.name:<9} {state:<11}{where}")
    if st.dependency_bytes:
        lines.append(f"  pretrained embeddings and character LMs: {human_size(st.dependency_bytes)}")
    lines.append(f"  total: {human_size(st.total_bytes)}")
    lines.append(f"coref extra (transformers, peft): {'installed' if st.coref_extra else 'not installed'}")
    lines.append(f"extract --nlp auto will use: {st.path}")
    missing = [p for p in DEFAULT_PROCESSORS if p not in st.loadable]
    where = f" --models-dir {st.models_dir}"
    if not st.stanza_installed:
        lines.append("stanza is not installed: pip install stanza")
    elif len(missing) == len(DEFAULT_PROCESSORS):
        lines.append(f"to install them: quotetrack models download{where}")
    elif missing:
        lines.append(f"to add {', '.join(missing)}: quotetrack models download --processors "
                     f"{','.join(missing)}{where}")
    return "\n".join(lines)


def parse_processors(value: Optional[str], *, coref: bool = False) -> List[str]:
    """``"tokenize,pos"`` -> a checked list in pipeline order (tokenize always included).

    Raises:
        ModelsError: An unknown processor name.
    """
    names = [p.strip().lower() for p in (value or ",".join(DEFAULT_PROCESSORS)).split(",") if p.strip()]
    unknown = [p for p in names if p not in KNOWN_PROCESSORS]
    if unknown:
        raise ModelsError(f"unknown processor(s) {', '.join(unknown)}; "
                          f"choose from {', '.join(KNOWN_PROCESSORS)}")
    wanted = set(names) | {"tokenize", "mwt"}  # English needs mwt after tokenize
    if coref:
        wanted.add("coref")
    if "depparse" in wanted:  # the parser reads tags and lemmas
        wanted |= {"pos", "lemma"}
    return [p for p in KNOWN_PROCESSORS if p in wanted]


def download(processors: Sequence[str] = DEFAULT_PROCESSORS, models_dir: Optional[os.PathLike] = None, *,
             verbose: bool = True) -> ModelStatus:
    """Download Stanza's English models for ``processors`` (and what they depend on).

    Progress goes to stderr through Stanza's logger and progress bars when ``verbose``.

    Returns:
        The folder's status afterwards.

    Raises:
        ModelsError: Stanza is missing, or the download failed (no connection, disk full...).
    """
    root = Path(models_dir) if models_dir else default_models_dir()
    procs = parse_processors(",".join(processors))
    try:
        import stanza
    except ImportError as exc:
        raise ModelsError("stanza is not installed: pip install stanza") from exc
    if "coref" in procs:
        missing = [m for m in COREF_PACKAGES if importlib.util.find_spec(m) is None]
        if missing:
            log.warning("coref models need %s (pip install 'quotetrack[coref]')", ", ".join(missing))
    created = not root.exists()
    try:
        root.mkdir(parents=True, exist_ok=True)
        stanza.download("en", model_dir=str(root), processors=",".join(procs),
                        logging_level="INFO" if verbose else "WARN")
    except Exception as exc:  # requests, huggingface_hub, OSError, ValueError ...
        if created:
            _remove_empty(root)
        raise ModelsError(f"could not download Stanza models to {root}: {_reason(exc)}") from exc
    return status(root)


def _remove_empty(root: Path) -> None:
    """Remove folders a failed download created and left empty."""
    for d in sorted((p for p in root.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        try:
            d.rmdir()
        except OSError:
            pass
    try:
        root.rmdir()
    except OSError:
        pass


def _reason(exc: BaseException) -> str:
    """A short, one-line reason for a failed download."""
    names = {type(e).__name__ for e in _chain(exc)}
    text = " ".join(str(e) for e in _chain(exc))
    if names & {"ConnectionError", "NameResolutionError", "MaxRetryError", "ConnectTimeout",
                "LocalEntryNotFoundError", "gaierror"} or "Name or service not known" in text \
            or "Failed to resolve" in text:
        return "no connection to Stanza's model servers; " \
               "check the network or proxy and try again"
    if isinstance(exc, PermissionError):
        return f"permission denied ({exc.filename or exc}); choose another --models-dir"
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"{type(exc).__name__}: {first[:200]}"


def _chain(exc: Optional[BaseException]):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__
