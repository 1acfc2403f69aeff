"""A Hugging Face folder's tokenizer (``tokenizer.json``, ``tokenizer_config.json``) read into the
tokenizer data `convert` writes for a GGUF, so that one tokenizer class serves both forms.

Two kinds of tokenizer.json are read, each as what it stands for in a GGUF:

- byte-level BPE (Llama 3, Qwen 2 and 3, SmolLM, GPT-2): its pre-tokenizer is one latent knows
  by its GGUF name (`tokenizer.PRE_TOKENIZERS`): GPT-2's ByteLevel regex (``gpt2``), SmolLM's
  Digits before it (``smollm``), a Split on Llama 3's or Qwen 2's regex (``llama-bpe``,
  ``qwen2``); Qwen's NFC normalizer is kept (a GGUF cannot state it);
- SentencePiece-style BPE with byte fallback (Llama 2, TinyLlama, Mistral, Gemma): spaces
  become ``▁`` by a Replace normalizer (with a Prepend ``▁``: the space prefix, as the legacy
  Llama tokenizer.json has it) or a Metaspace pre-tokenizer that does not split.

Added tokens are the GGUF's control (special) and user-defined (not special) tokens; the BOS is
what the post-processor puts first; the merge list is kept as it is (a GGUF of a SentencePiece
model has none: the tokenizer rebuilds it). Anything else is refused, by name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from latentcli.errors import ModelError
from latentcli.networks.decoder.sentencepiece import BYTE, SPACE
from latentcli.networks.decoder.tokenizer import CONTROL, USER_DEFINED

NORMAL = 1
# The Split regexes of the byte-level tokenizer.json files, by the GGUF name latent knows them as
SPLITS = {
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+": "llama-bpe",
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
    r"|\s*[\r\n]+|\s+(?!\S)|\s+": "qwen2",
}
IGNORES_MERGES = ("llama-bpe",)  # as llama.cpp runs the GGUF names (`PreTokenizer.ignore_merges`)


class Unreadable(Exception):
    """What in a tokenizer.json latent cannot represent (the message says it)."""


def tokenizer_data(folder: Path) -> dict[str, Any]:
    """The tokenizer of the Hugging Face folder ``folder``, in the form `convert` writes (the
    "tokenizer" of model.json). `ModelError`, naming the file, if latent cannot read it."""
    path = folder / "tokenizer.json"
    spec = _json(path)
    config = _json(folder / "tokenizer_config.json") if (
        folder / "tokenizer_config.json").is_file() else {}
    try:
        data = _data(spec, config)
    except Unreadable as error:
        raise ModelError(f"{path}: {error}") from None
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise ModelError(f"{path}: not a usable tokenizer.json ({error!r})") from None
    data["chat_template"] = _chat_template(folder, config)
    return data


def _json(path: Path) -> dict[str, Any]:
    try:
        found = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelError(f"{path}: cannot read it ({error})") from None
    if not isinstance(found, dict):
        raise ModelError(f"{path}: not a JSON object")
    return found


def _data(spec: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    model = spec.get("model") or {}
    if model.get("type") != "BPE":
        raise Unreadable(f"a {model.get('type')!r} tokenizer; latent reads BPE tokenizers only")
    for key in ("dropout", "continuing_subword_prefix", "end_of_word_suffix"):
        if model.get(key):
            raise Unreadable(f"its BPE sets {key}, which latent's tokenizers do not have")
    byte_level = any(step.get("type") == "ByteLevel" for step in _steps(spec.get("pre_tokenizer")))
    tokens, types = _vocabulary(spec, byte_fallback=not byte_level)
    ids = {token: i for i, token in enumerate(tokens)}
    merges = [_pair(merge) for merge in model.get("merges") or []]
    data: dict[str, Any] = {"model": "gpt2" if byte_level else "llama", "tokens": tokens,
                            "types": types}
    if byte_level:
        data.update(_byte_level(spec, model), merges=[f"{a} {b}" for a, b in merges])
    else:  # a SentencePiece token may hold a space: each merge stays a pair
        data.update(_sentencepiece(spec, model), merges=[list(pair) for pair in merges])
    bos = _first_token(spec.get("post_processor"))
    data["add_bos"] = bos is not None
    data["bos"] = ids.get(bos) if bos is not None else _config_token(config, "bos_token", ids)
    data["eos"] = _config_token(config, "eos_token", ids)
    return data


def _steps(step: dict[str, Any] | None) -> list[dict[str, Any]]:
    """A normalizer, pre-tokenizer or post-processor as a list of its steps."""
    if not step:
        return []
    for key in ("normalizers", "pretokenizers", "processors"):
        if step.get("type") == "Sequence" and key in step:
            return [s for inner in step[key] for s in _steps(inner)]
    return [step]


def _vocabulary(spec: dict[str, Any], byte_fallback: bool) -> tuple[list[str], list[int]]:
    """Tokens in id order and their GGUF types: added tokens are control (special) or
    user-defined, ``<0xNN>`` is a byte token where bytes fall back to them."""
    by_id = {int(i): str(token) for token, i in spec["model"]["vocab"].items()}
    types = {i: BYTE if byte_fallback and _is_byte(token) else NORMAL
             for i, token in by_id.items()}
    for added in spec.get("added_tokens") or []:
        content, i = str(added["content"]), int(added["id"])
        for option in ("lstrip", "rstrip", "single_word"):
            if added.get(option):
                raise Unreadable(f"its added token {content!r} sets {option}, which latent's "
                                 "tokenizers do not have")
        if added.get("normalized") and (" " in content or SPACE in content):
            raise Unreadable(f"its added token {content!r} is matched in normalized text, which "
                             "latent's tokenizers do not do")
        if by_id.get(i, content) != content:
            raise Unreadable(f"token {i} is {by_id[i]!r} in the vocabulary but {content!r} as an "
                             "added token")
        by_id[i] = content
        types[i] = CONTROL if added.get("special") else USER_DEFINED
    missing = next((i for i in range(len(by_id)) if i not in by_id), None)
    if missing is not None:
        raise Unreadable(f"its token ids are not 0 to {len(by_id) - 1} (there is no token "
                         f"{missing})")
    return [by_id[i] for i in range(len(by_id))], [types[i] for i in range(len(by_id))]


def _is_byte(token: str) -> bool:
    return (len(token) == 6 and token.startswith("<0x") and token.endswith(">")
            and all(c in "0123456789ABCDEF" for c in token[3:5]))


def _pair(merge: Any) -> tuple[str, str]:
    """A merge as its two tokens (``["a", "b"]``, or ``"a b"`` in older files)."""
    parts = merge.split(" ") if isinstance(merge, str) else merge
    if len(parts) != 2:
        raise Unreadable(f"its merge {merge!r} is not two tokens")
    return str(parts[0]), str(parts[1])


def _byte_level(spec: dict[str, Any], model: dict[str, Any]) -> dict[str, Any]:
    """The GGUF pre-tokenizer name and the normalizer of a byte-level BPE tokenizer.json."""
    steps = _steps(spec.get("pre_tokenizer"))
    shape = [step["type"] for step in steps]
    level = steps[-1]
    if level.get("type") != "ByteLevel" or level.get("add_prefix_space"):
        raise Unreadable("its pre-tokenizer is not one latent knows (a ByteLevel step last, "
                         "adding no space)")
    if shape == ["ByteLevel"] and level.get("use_regex", True):
        pre = "gpt2"
    elif (shape == ["Digits", "ByteLevel"] and steps[0].get("individual_digits")
          and level.get("use_regex", True)):
        pre = "smollm"
    elif shape == ["Split", "ByteLevel"] and not level.get("use_regex", True):
        split = steps[0]
        regex = (split.get("pattern") or {}).get("Regex")
        if (regex not in SPLITS or split.get("behavior") != "Isolated"
                or split.get("invert")):
            raise Unreadable("its pre-tokenizer splits on a pattern latent does not know "
                             f"({', '.join(sorted(set(SPLITS.values())))} only)")
        pre = SPLITS[regex]
    else:
        raise Unreadable(f"its pre-tokenizer ({' + '.join(shape)}) is not one latent knows")
    if bool(model.get("ignore_merges")) != (pre in IGNORES_MERGES):
        raise Unreadable(f"its BPE {'sets' if model.get('ignore_merges') else 'leaves out'} "
                         f"ignore_merges, unlike the {pre!r} pre-tokenizer latent knows")
    if model.get("byte_fallback"):
        raise Unreadable("a byte-level BPE with byte fallback is not one latent knows")
    normal = [step.get("type") for step in _steps(spec.get("normalizer"))]
    if normal not in ([], ["NFC"]):
        raise Unreadable(f"its normalizer ({' + '.join(map(str, normal))}) is not one latent "
                         "knows (NFC only)")
    return {"pre": pre, "normalizer": "nfc" if normal else None}


def _sentencepiece(spec: dict[str, Any], model: dict[str, Any]) -> dict[str, Any]:
    """Whether a SentencePiece-style tokenizer.json puts a ``▁`` before each stretch of text."""
    if not model.get("byte_fallback"):
        raise Unreadable("neither a byte-level BPE nor a SentencePiece-style one with byte "
                         "fallback")
    normal = _steps(spec.get("normalizer"))
    pre = _steps(spec.get("pre_tokenizer"))
    replaces = {"type": "Replace", "pattern": {"String": " "}, "content": SPACE}
    prepends = {"type": "Prepend", "prepend": SPACE}
    if normal in ([replaces], [prepends, replaces]) and all(
            step == {"type": "Split", "pattern": {"String": " "}, "behavior": "MergedWithPrevious",
                     "invert": False} for step in pre):  # no space is left to split at
        return {"add_space_prefix": normal[0] == prepends}
    if not normal and len(pre) == 1 and pre[0].get("type") == "Metaspace":
        meta = pre[0]
        scheme = meta.get("prepend_scheme", "always" if meta.get("add_prefix_space") else "never")
        if meta.get("replacement") == SPACE and not meta.get("split") and scheme != "first":
            return {"add_space_prefix": scheme == "always"}
        raise Unreadable("its Metaspace pre-tokenizer splits words or puts a space before the "
                         "first one only, which latent's SentencePiece tokenizer does not do")
    shown = " + ".join(str(step.get("type")) for step in [*normal, *pre]) or "none"
    raise Unreadable(f"its normalizer and pre-tokenizer ({shown}) are not SentencePiece's as "
                     "latent knows it (spaces replaced by ▁, perhaps one put first)")


def _first_token(processor: dict[str, Any] | None) -> str | None:
    """The token the post-processor puts before the text, if any (it may put none after)."""
    for step in _steps(processor):
        kind = step.get("type")
        if kind == "ByteLevel":
            continue  # offsets only
        if kind != "TemplateProcessing":
            raise Unreadable(f"its post-processor {kind!r} is not one latent knows")
        single = step["single"]
        text = next((n for n, item in enumerate(single) if "Sequence" in item), None)
        if text is None or text > 1 or len(single) != text + 1:
            raise Unreadable("its post-processor adds tokens other than one before the text")
        if text == 1:
            return str(step["special_tokens"][single[0]["SpecialToken"]["id"]]["tokens"][0])
    return None


def _config_token(config: dict[str, Any], key: str, ids: dict[str, int]) -> int | None:
    """The id of tokenizer_config.json's ``bos_token`` or ``eos_token``, if it names one."""
    token = config.get(key)
    if isinstance(token, dict):
        token = token.get("content")
    return ids.get(token) if isinstance(token, str) else None


def _chat_template(folder: Path, config: dict[str, Any]) -> str | None:
    """The chat template: tokenizer_config.json's, or chat_template.jinja's (newer folders)."""
    template = config.get("chat_template")
    if isinstance(template, list):  # named templates: the default one
        template = next((t.get("template") for t in template if t.get("name") == "default"),
                        None)
    if template is None and (folder / "chat_template.jinja").is_file():
        try:
            template = (folder / "chat_template.jinja").read_text("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ModelError(f"{folder / 'chat_template.jinja'}: cannot read it ({error})") \
                from None
    return template if isinstance(template, str) else None
