"""How well groups of texts are named: on the corpora the method was chosen on
(tests/data/topics.json) and on corpora written after it was frozen (topics_heldout.json; then
topics_heldout2.json and topics_heldout3.json, each written by a writer who never saw the method,
after the set before had been measured).

Usage: LATENT_CACHE_DIR=DIR python scripts/measure_topic_names.py [--language CACHE]
       [--only tuning|held-out|held-out-2|held-out-3]
(DIR: a cache where the encoder is fetched; CACHE: a cache where SmolLM2 is fetched, to measure
the names it chooses among as well; without it, the encoder's alone.)

Every topic is measured two ways, each with the encoder alone and, with ``--language``, with
the language model choosing among its three best names:

- **true groups**: each topic's texts named as one group beside the corpus's other topics, so the
  figure measures naming, not clustering;
- **end to end**: as a user runs it — `latent embed --from notes.txt --name NAME`, the notes of
  all topics in one file (interleaved), then `latent cluster -m NAME --k T --top N --json` with T
  the number of topics. Each group is matched to the topic it shares most
  texts with (one group per topic), and named right if its first name is one of that topic's.

A name counts if it is one of the topic's accepted words or a regular inflection of one (coffees,
exercising). The end-to-end runs are repeated with ``--k T-1``, which merges two topics, to count
the groups the output says look like two topics merged (and how many of them really do), beside
the groups at ``--k T`` it says so of; and the k `latent cluster --k auto` would choose is
compared with T. It prints every topic's names (for a group found end to end, how many of
its texts are the topic's: 4/6) and the figures.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from typer.testing import CliRunner

from latentcli.analysis import topics
from latentcli.analysis.clustering import choose_k, grouped_by
from latentcli.analysis.naming import is_inflection
from latentcli.analysis.topic_reading import likelihoods
from latentcli.cli.app import app
from latentcli.core.space import normalise_rows
from latentcli.environment import Environment
from latentcli.store.builtins import MINILM, SMOLLM2
from latentcli.store.language_models import LanguageModelReference
from latentcli.store.paths import cache_root
from latentcli.store.resolve import builtin_reference, open_space

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
SETS = {"tuning": DATA / "topics.json", "held-out": DATA / "topics_heldout.json",
        "held-out-2": DATA / "topics_heldout2.json", "held-out-3": DATA / "topics_heldout3.json"}
ENCODER, LANGUAGE = "encoder", "with language model"
Tally = dict[tuple[str, str, str], list[int]]  # (set, way, reader) → counts (`measure`)


def right(names: Sequence[str], accept: Sequence[str]) -> list[bool]:
    return [any(is_inflection(name, word) for word in accept) for name in names]


def interleaved(corpus: dict[str, Any]) -> list[tuple[int, str]]:
    """The corpus's notes as one file holds them: one of each topic in turn."""
    texts = [topic["texts"] for topic in corpus["topics"]]
    return [(number, group[position]) for position in range(max(map(len, texts)))
            for number, group in enumerate(texts) if position < len(group)]


def matched(groups: Sequence[Sequence[int]], topics_count: int) -> list[int]:
    """The topic of each group (lists of its texts' topics): one group per topic, the most texts
    shared in all; ties to the first in order."""
    overlap = np.array([np.bincount(group, minlength=topics_count) for group in groups])
    return list(max(itertools.permutations(range(topics_count), len(groups)),
                    key=lambda order: sum(overlap[g, t] for g, t in enumerate(order))))


def latent(root: Path, *arguments: str) -> str:
    """One `latent` command, as typed, on the cache at ``root``; its stdout."""
    done = CliRunner().invoke(app, list(arguments), env={"LATENT_CACHE_DIR": str(root)})
    if done.exit_code != 0:
        raise SystemExit(f"latent {' '.join(arguments)} failed: {done.output}")
    return done.stdout


def caches(scratch: Path, encoders: Path, language: Path | None) -> dict[str, Path]:
    """Fresh caches (named spaces are saved there) that share the fetched models: one without
    the language model, and one with it when ``language`` holds it."""
    made = {}
    for reader, source in ((ENCODER, None), (LANGUAGE, language)):
        if reader == LANGUAGE and source is None:
            continue
        root = scratch / reader.replace(" ", "-")
        root.mkdir()
        for part in ("encoders", "models"):
            (root / part).symlink_to(encoders / part)
        if source is not None:
            (root / "language").symlink_to(source / "language")
        made[reader] = root
    return made


def end_to_end(root: Path, corpus: dict[str, Any], k: int) -> list[dict[str, Any]]:
    """`latent embed` and `latent cluster --k k` on the corpus's notes: the clusters (JSON), each
    with the topics of its texts under ``topics``."""
    notes = interleaved(corpus)
    topic_of = {text: number for number, text in notes}
    file = root / f"{corpus['name']}.txt"
    file.write_text("".join(f"{text}\n" for _, text in notes), encoding="utf-8")
    latent(root, "embed", "--from", str(file), "--name", corpus["name"])
    clusters: list[dict[str, Any]] = json.loads(latent(
        root, "cluster", "-m", corpus["name"], "--k", str(k), "--top", str(len(notes)), "--json"))[
        "clusters"]
    for cluster in clusters:
        cluster["topics"] = [topic_of[text] for text in cluster["members"]]
    return clusters


def measure(language: Path | None = None, parts: Sequence[str] = tuple(SETS)) -> Tally:
    """Per (set, "true groups"/"end to end", reader): [first names right, top 3 right, topics];
    also (set, "two topics", "at k-1" or "at k"): [groups flagged as two topics that hold two,
    flagged, holding two, groups] and (set, "automatic k", ""): [corpora whose automatic k is
    their number of topics, corpora, 0]; printing every topic's names."""
    encoders = cache_root()
    namer = open_space(MINILM.name, Environment())
    encoder = namer.encoder
    assert encoder is not None
    readers: dict[str, topics.Reader | None] = {ENCODER: None}
    if language is not None:
        model = builtin_reference(SMOLLM2, language)
        assert isinstance(model, LanguageModelReference)
        decoder = model.converted(Environment())
        assert decoder is not None, f"no usable {SMOLLM2.name} in {language}"
        readers[LANGUAGE] = partial(likelihoods, decoder)
    tally: Tally = {}
    with tempfile.TemporaryDirectory() as scratch:
        roots = caches(Path(scratch), encoders, language)
        for part in parts:
            for corpus in json.loads(SETS[part].read_text(encoding="utf-8"))["corpora"]:
                members = [topic["texts"] for topic in corpus["topics"]]
                vectors = [normalise_rows(np.asarray(encoder.encode(texts), dtype=np.float32))[0]
                           for texts in members]
                for reader, read in readers.items():
                    named = topics.name_topics(namer, encoder.encode, members, vectors,
                                               reader=read)
                    for topic, found in zip(corpus["topics"], named, strict=True):
                        _count(tally, (part, "true groups", reader), corpus["name"], topic,
                               [word for word, _ in found.names])
                    clusters = end_to_end(roots[reader], corpus, len(members))
                    for cluster, number in zip(clusters, matched(
                            [cluster["topics"] for cluster in clusters], len(members)),
                            strict=True):
                        _count(tally, (part, "end to end", reader), corpus["name"],
                               corpus["topics"][number],
                               [cluster["label"], *cluster["label_candidates"]],
                               f"{cluster['topics'].count(number)}/{len(cluster['topics'])}")
                _two_topics(tally, part, clusters, end_to_end(roots[ENCODER], corpus,
                                                              len(members) - 1), len(members))
                grouped, restarts = grouped_by(np.concatenate(vectors), True)
                labels, _, _, _ = choose_k(grouped, "kmeans", 0, lambda *_: None, restarts)
                automatic = tally.setdefault((part, "automatic k", ""), [0, 0, 0])
                automatic[0] += len(set(labels.tolist())) == len(members)
                automatic[1] += 1
    for key, counts in tally.items():
        if key[1] in ("true groups", "end to end"):
            first, top3, total = counts
            print(f"{key[0]:<9} {key[1]:<12} {key[2]:<20} first name {first}/{total}, "
                  f"top 3 {top3}/{total}")
    for part in parts:
        for k, said in (("at k-1", "one group too few"), ("at k", "k right")):
            both, flagged, two, groups = tally[(part, "two topics", k)]
            print(f"{part:<9} with {said}: {flagged} of {groups} groups flagged as two topics, "
                  f"{both} of the {two} that hold two topics")
        right_k, corpora, _ = tally[(part, "automatic k", "")]
        print(f"{part:<9} automatic k right for {right_k}/{corpora} corpora")
    return tally


def _count(tally: Tally, key: tuple[str, str, str], corpus: str, topic: dict[str, Any],
           names: list[str], made_of: str = "") -> None:
    """Counts a topic's names and prints them; ``made_of``: for a group found end to end, how
    many of its texts are the topic's (4/6: four of its six)."""
    hits = right(names, topic["accept"])
    counts = tally.setdefault(key, [0, 0, 0])
    counts[0] += bool(hits) and hits[0]
    counts[1] += any(hits)
    counts[2] += 1
    print(f"{key[0]:<9} {key[1]:<12} {key[2]:<20} {corpus:<12} {topic['accept'][0]:<14} "
          f"{made_of:<5} {'+' if hits and hits[0] else '-'} {', '.join(names)}")


def _two_topics(tally: Tally, part: str, right_k: list[dict[str, Any]],
                too_few: list[dict[str, Any]], count: int) -> None:
    """With k = T - 1 and with k = T: the groups flagged as two topics merged that hold two
    topics (`_two`), those flagged, those that hold two topics, and all groups."""
    for k, clusters in (("at k-1", too_few), ("at k", right_k)):
        counts = tally.setdefault((part, "two topics", k), [0, 0, 0, 0])
        for cluster in clusters:
            two = _two(cluster["topics"], count)
            counts[0] += two and bool(cluster["two_topics"])
            counts[1] += bool(cluster["two_topics"])
            counts[2] += two
            counts[3] += 1


def _two(texts: list[int], count: int) -> bool:
    """Whether a group holds two topics: at least two texts of a second topic, and a quarter of
    the group or more."""
    second = sorted(np.bincount(texts, minlength=count))[-2]
    return bool(second >= max(2, len(texts) / 4))


def main(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", type=Path, default=None,
                        help="a cache holding smollm2-135m (language/smollm2-135m)")
    parser.add_argument("--only", choices=tuple(SETS), default=None)
    given = parser.parse_args(argv)
    measure(given.language, (given.only,) if given.only else tuple(SETS))


if __name__ == "__main__":
    main(sys.argv[1:])
