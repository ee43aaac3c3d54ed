"""Guards measured end to end, as a user meets them: `midb boost --engine openai --prompt midb`
(the library call the CLI wraps) against a real chat-completions server on 127.0.0.1 that
answers each pair with its real MEB revision or a corruption of it (bench/guard_cases.py).

eval_guards.py calls the guard directly, over every row; this bench sends the same answers
through everything a run does (reading, language ID with the file's prior, checks, the prompt,
HTTP, parsing, guards, fallback, output) on a sample, one file per language and kind, and
counts the statuses midb wrote. A difference from eval_guards.py means the pipeline judges a
revision otherwise than the guard alone.

    python bench/eval_guards_cli.py                 # 60 held-out records per language and kind
    python bench/eval_guards_cli.py --per-lang 200 --kinds good,trunc_sentence
"""

from __future__ import annotations

import json
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from eval_guards import DATA_DIRS, NO_TARGET, TARGET, iter_cases, load, sample_arguments
from guard_cases import GOOD_KINDS, KINDS, Fields
from midb_cli.boost.pipeline import BoostOptions, run_boost
from midb_cli.boost.protocol import EngineSelection
from midb_cli.llm.settings import LLMSettings

_TAGS = ("<|instruction|>", "\n<|input|>", "\n<|response|>")


class BoosterServer(ThreadingHTTPServer):
    """Answers a midb-prompt request with the answer planted for its pair (by the pair's
    fields as sent; by its instruction when a fix changed another field first)."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.answers: dict[Fields, str] = {}
        self.by_instruction: dict[str, str] = {}
        self.unmatched = 0
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"

    def plant(self, cases: list[tuple[Fields, str]]) -> None:
        self.answers = {raw: answer for raw, answer in reversed(cases)}
        self.by_instruction = {raw[0]: answer for raw, answer in reversed(cases)}

    def answer(self, user: str) -> str:
        _, _, rest = user.partition(_TAGS[0])
        instruction, _, rest = rest.partition(_TAGS[1])
        input_text, _, response = rest.partition(_TAGS[2])
        found = self.answers.get((instruction, input_text, response))
        if found is None:
            found = self.by_instruction.get(instruction)
        if found is None:
            with self.lock:
                self.unmatched += 1
            return user[user.find(_TAGS[0]) :]  # the pair as it came: unchanged
        return found


class _Handler(BaseHTTPRequestHandler):
    server: BoosterServer
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        user = next(m["content"] for m in body["messages"] if m["role"] == "user")
        message = {"role": "assistant", "content": self.server.answer(user)}
        choice = {"index": 0, "message": message, "finish_reason": "stop"}
        data = json.dumps({"choices": [choice]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@contextmanager
def booster_server() -> Iterator[BoosterServer]:
    server = BoosterServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def run_kind(
    server: BoosterServer, cases: list[tuple[Fields, str]], lang: str, work: Path
) -> Counter[str]:
    """One `midb boost` over the cases' original pairs; the statuses (and refusal reasons)
    it wrote."""
    server.plant(cases)
    src, out = work / f"{lang}.jsonl", work / f"{lang}.out.jsonl"
    with src.open("w", encoding="utf-8") as fh:
        for n, (raw, _) in enumerate(cases):
            record = {"id": f"{lang}-{n}", "instruction": raw[0], "input": raw[1], "output": raw[2]}
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    engine = EngineSelection(
        "openai",
        {"api_base": [server.url], "model": "booster", "concurrency": 8},
        LLMSettings(prompt="midb", no_cache=True),
    )
    run_boost(BoostOptions(str(src), str(out), overwrite=True, engine=engine))
    outcome: Counter[str] = Counter()
    with out.open(encoding="utf-8") as fh:
        for line in fh:
            meta = json.loads(line)["midb"]
            status = meta["status"]
            outcome[status if status == "boosted" else meta.get("reason") or status] += 1
    rejects = out.with_name(f"{lang}.out.rejects.jsonl")
    if rejects.exists():
        outcome["rejected"] += sum(1 for _ in rejects.open(encoding="utf-8"))
    return outcome


def main() -> int:
    parser = sample_arguments(__doc__.splitlines()[0], 60)
    parser.add_argument("--split", choices=("tune", "heldout"), default="heldout")
    args = parser.parse_args()
    data = args.data or next((d for d in DATA_DIRS if d.is_dir()), DATA_DIRS[0])
    if not data.is_dir():
        print(f"skipped: {data} is not there (the shared MEB data)")
        return 0
    files = {p.name[:2]: load(p) for p in sorted(data.glob("*.jsonl.gz"))}
    langs = [x for x in files if not args.langs or x in args.langs.split(",")]
    kinds = [k for k in KINDS if not args.kinds or k in args.kinds.split(",")]
    parity = 1 if args.split == "heldout" else 0
    wanted: dict[str, Counter[str]] = defaultdict(Counter)
    totals: dict[str, Counter[str]] = defaultdict(Counter)
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    started = time.perf_counter()
    unmatched = 0
    with booster_server() as server, tempfile.TemporaryDirectory() as tmp:
        for lang in langs:
            by_kind: dict[str, list[tuple[Fields, str]]] = defaultdict(list)
            for kind, _, raw, answer in iter_cases(
                files, lang, kinds, parity, args.per_lang, args.seed
            ):
                by_kind[kind].append((raw, answer))
            for kind, cases in by_kind.items():
                outcome = run_kind(server, cases, lang, Path(tmp))
                boosted = outcome["boosted"]
                totals[kind][lang] = sum(outcome.values())
                refused = totals[kind][lang] - boosted
                wanted[kind][lang] = boosted if kind in GOOD_KINDS else refused
                reasons[kind].update(outcome)
        unmatched = server.unmatched
    print(f"=== {args.split}, --per-lang {args.per_lang}, seed {args.seed}: midb boost "
          f"--engine openai --prompt midb, {time.perf_counter() - started:.0f} s ===")  # fmt: skip
    print("good*: % written as boosted; other kinds: % refused (n per cell in the last column)")
    print(f"{'kind':16}" + "".join(f"{x:>6}" for x in langs) + f"{'all':>7}{'n':>6}")
    cells = []
    for kind in kinds:
        row = []
        for lang in langs:
            n = totals[kind][lang]
            share = 100 * wanted[kind][lang] / n if n else None
            row.append(f"{share:6.1f}" if share is not None else f"{'-':>6}")
            if share is not None and kind not in NO_TARGET:
                cells.append(share)
        n_all = sum(totals[kind].values())
        share_all = 100 * sum(wanted[kind].values()) / n_all if n_all else 0.0
        print(f"{kind:16}" + "".join(row) + f"{share_all:7.1f}{n_all:6}")
    print("\nwhat midb wrote, per kind:")
    for kind in kinds:
        top = ", ".join(f"{r} {n}" for r, n in reasons[kind].most_common(5))
        print(f"  {kind:16} {top}")
    below = sum(c < TARGET for c in cells)
    print(
        f"\n{below} (kind, language) cells below {TARGET:.0f}%; lowest {min(cells, default=0):.1f}%"
    )
    if unmatched:
        print(f"warning: {unmatched} requests matched no planted answer (answered unchanged)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
