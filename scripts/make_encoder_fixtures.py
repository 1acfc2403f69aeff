"""Make the tiny BERT and MPNet test models and their reference outputs (run once, committed).

Runs ONLY in the scratch venv with torch, transformers, tokenizers and sentence-transformers
(never latent dependencies):

    /tmp/st-venv/bin/python scripts/make_encoder_fixtures.py

Writes tests/data/encoder/tiny-bert/ and tiny-mpnet/ (random weights, a letter-level
vocabulary, tokenizer.json with the shipped models' fixed 128 padding/truncation, the
sentence-transformers config files) and, for each, reference.npy (SentenceTransformer.encode of
the texts in texts.json), tokens.npy (the last-layer token vectors of the first text) and
ids.json (the ids tokenizers gives each text, truncated at max_seq_length).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import torch
from sentence_transformers import SentenceTransformer
from tokenizers import AddedToken, Tokenizer, models, normalizers, pre_tokenizers, processors
from transformers import BertConfig, BertModel, MPNetConfig, MPNetModel

DATA = Path(__file__).resolve().parent.parent / "tests/data/encoder"
MAX_SEQ_LENGTH = 24
TEXTS = [
    "the cat sat on the mat.",
    "Héllo, WORLD!!! naïve café",
    "  leading and trailing spaces  ",
    "!!!",
    "",
    "日本語 and 中文 text",
    "emoji 😀 and arabic مرحبا",
    "tab\there\nnewline\x00control\u200bzero-width",
    "a [MASK] token, a <mask> token and <s> inside",
    "supercalifragilisticexpialidocious " + "x" * 120,
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty",
    "cat",
]
WORDS = ["the", "cat", "sat", "on", "mat", "and", "text", "token", "hello", "world", "one", "two",
         "three", "ten", "naive", "cafe", "日", "本", "語", "中", "文", "##s", "##ing", "##ed"]
LETTERS = [chr(c) for c in range(ord("a"), ord("z") + 1)]
PUNCTUATION = list(".,!?-'\"()[]<>")


def vocabulary(specials: list[str]) -> dict[str, int]:
    tokens = specials + WORDS + LETTERS + [f"##{c}" for c in LETTERS] + PUNCTUATION
    return {token: i for i, token in enumerate(dict.fromkeys(tokens))}


def tokenizer(vocab: dict[str, int], unk: str, specials: list[str | AddedToken], post: object,
              pad: str) -> Tokenizer:
    tok = Tokenizer(models.WordPiece(vocab, unk_token=unk, max_input_chars_per_word=100))
    tok.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True,
                                                strip_accents=None, lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = post
    tok.add_special_tokens(specials)
    tok.enable_truncation(128)  # the shipped files' pitfall, which latent must ignore
    tok.enable_padding(length=128, pad_id=vocab[pad], pad_token=pad)
    return tok


def write_model(name: str, model: torch.nn.Module, tok: Tokenizer, pooling: dict[str, object],
                normalize: bool, tokenizer_config: dict[str, object]) -> None:
    out = DATA / name
    shutil.rmtree(out, ignore_errors=True)
    model.save_pretrained(out, safe_serialization=True)
    tok.save(str(out / "tokenizer.json"))
    (out / "tokenizer_config.json").write_text(json.dumps(tokenizer_config))
    (out / "sentence_bert_config.json").write_text(
        json.dumps({"max_seq_length": MAX_SEQ_LENGTH, "do_lower_case": False}))
    modules = [{"idx": 0, "name": "0", "path": "",
                "type": "sentence_transformers.models.Transformer"},
               {"idx": 1, "name": "1", "path": "1_Pooling",
                "type": "sentence_transformers.models.Pooling"}]
    if normalize:
        modules.append({"idx": 2, "name": "2", "path": "2_Normalize",
                        "type": "sentence_transformers.models.Normalize"})
    (out / "modules.json").write_text(json.dumps(modules, indent=2))
    (out / "1_Pooling").mkdir()
    (out / "1_Pooling/config.json").write_text(json.dumps(pooling, indent=2))
    (out / "LICENSE").write_text("Test fixture with random weights; public domain.\n")
    st = SentenceTransformer(str(out), device="cpu")
    np.save(out / "reference.npy", st.encode(TEXTS, batch_size=4).astype(np.float32))
    tokens = st.encode(TEXTS[:1], output_value="token_embeddings")[0]
    np.save(out / "tokens.npy", tokens.numpy().astype(np.float32))
    plain = Tokenizer.from_file(str(out / "tokenizer.json"))
    plain.no_padding()
    plain.enable_truncation(MAX_SEQ_LENGTH)
    ids = [e.ids for e in plain.encode_batch(TEXTS)]
    (out / "ids.json").write_text(json.dumps(ids))
    print(name, "written:", sorted(p.name for p in out.iterdir()))


def main() -> None:
    torch.manual_seed(0)
    DATA.mkdir(parents=True, exist_ok=True)
    (DATA / "texts.json").write_text(json.dumps(TEXTS, ensure_ascii=False, indent=1))
    size = {"hidden_size": 8, "num_hidden_layers": 2, "num_attention_heads": 2,
            "intermediate_size": 16, "initializer_range": 0.5}

    bert_specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    bert_vocab = vocabulary(bert_specials)
    bert_post = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B [SEP]",
        special_tokens=[("[CLS]", 2), ("[SEP]", 3)])
    bert = BertModel(BertConfig(vocab_size=len(bert_vocab), max_position_embeddings=32,
                                type_vocab_size=2, layer_norm_eps=1e-12, pad_token_id=0, **size),
                     add_pooling_layer=False).eval()
    bert_tok = tokenizer(bert_vocab, "[UNK]", list(bert_specials), bert_post, "[PAD]")
    write_model("tiny-bert", bert, bert_tok,
                {"word_embedding_dimension": 8, "pooling_mode_mean_tokens": True}, True,
                {"tokenizer_class": "BertTokenizer", "do_lower_case": True, "unk_token": "[UNK]",
                 "cls_token": "[CLS]", "sep_token": "[SEP]", "pad_token": "[PAD]",
                 "mask_token": "[MASK]", "model_max_length": 512})

    mpnet_specials: list[str | AddedToken] = [  # as all-mpnet-base-v2's tokenizer.json has them
        "<s>", "<pad>", "</s>", AddedToken("<unk>", normalized=True, special=True), "[UNK]",
        AddedToken("<mask>", lstrip=True, normalized=False, special=True)]
    mpnet_vocab = vocabulary(["<s>", "<pad>", "</s>", "<unk>", "[UNK]", "<mask>"])
    mpnet_post = processors.RobertaProcessing(("</s>", 2), ("<s>", 0))
    mpnet = MPNetModel(MPNetConfig(vocab_size=len(mpnet_vocab), max_position_embeddings=34,
                                   relative_attention_num_buckets=32, layer_norm_eps=1e-5,
                                   pad_token_id=1, bos_token_id=0, eos_token_id=2, **size),
                       add_pooling_layer=False).eval()
    mpnet_tok = tokenizer(mpnet_vocab, "[UNK]", mpnet_specials, mpnet_post, "<pad>")
    write_model("tiny-mpnet", mpnet, mpnet_tok,
                {"word_embedding_dimension": 8, "pooling_mode_cls_token": True,
                 "pooling_mode_max_tokens": True}, False,
                {"tokenizer_class": "MPNetTokenizer", "do_lower_case": True, "bos_token": "<s>",
                 "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>",
                 "unk_token": "[UNK]", "pad_token": "<pad>", "mask_token": "<mask>",
                 "model_max_length": 512})


if __name__ == "__main__":
    main()
