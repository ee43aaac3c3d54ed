"""Build a tiny random-weight Llama model directory (and a LoRA adapter for it) for the
real-vLLM-on-CPU tests.

Nothing can be downloaded from a model hub, so the test makes its own model: a ``config.json``
for ``LlamaForCausalLM`` (2 layers, hidden 256, head_dim 64: vLLM's CPU attention refuses
head_dim 16) that vLLM loads with ``load_format="dummy"`` (random weights, no weight files), and
a byte-level BPE tokenizer trained on the spot with the ``tokenizers`` library, saved as
``tokenizer.json`` with a Llama-3 style chat template in ``tokenizer_config.json``.

``build_tiny_lora`` writes a PEFT-format adapter (``adapter_config.json`` + random
``adapter_model.safetensors`` on q_proj and v_proj) of MIDB's rank, 64, so ``--lora`` runs for real.

Byte-level BPE can encode any text, so every language and the over-long record tokenize; the
template's turn markers are special tokens, the midb tags are ordinary text (as in Llama 3).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

BOS = "<|begin_of_text|>"
EOS = "<|end_of_text|>"
START_HEADER = "<|start_header_id|>"
END_HEADER = "<|end_header_id|>"
END_OF_TURN = "<|eot_id|>"
SPECIAL_TOKENS = [BOS, EOS, START_HEADER, END_HEADER, END_OF_TURN]

# The llama3 template used by LLaMA-Factory for MIDB's training: one header per turn, the turn
# ends with <|eot_id|>, and the generation prompt opens an assistant header.
CHAT_TEMPLATE = (
    "{{ bos_token }}"
    "{% for message in messages %}"
    "{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'"
    " + message['content'] + '<|eot_id|>' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}"
    "{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}"
    "{% endif %}"
)

HIDDEN_SIZE = 256
NUM_HEADS = 4  # head_dim = 256 / 4 = 64
NUM_LAYERS = 2
MAX_POSITIONS = 4096


def build_tiny_model(directory: Path, corpus: Iterable[str], vocab_size: int = 2000) -> Path:
    """Write a loadable model directory (config + tokenizer, no weights) and return it."""
    directory.mkdir(parents=True, exist_ok=True)
    tokenizer = _train_tokenizer(corpus, vocab_size)
    tokenizer.save(str(directory / "tokenizer.json"))
    ids = {token: tokenizer.token_to_id(token) for token in SPECIAL_TOKENS}
    _write_json(directory / "config.json", _model_config(tokenizer.get_vocab_size(), ids))
    _write_json(
        directory / "generation_config.json",
        {"bos_token_id": ids[BOS], "eos_token_id": [ids[END_OF_TURN], ids[EOS]]},
    )
    _write_json(
        directory / "tokenizer_config.json",
        {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "bos_token": BOS,
            "eos_token": END_OF_TURN,
            "pad_token": EOS,
            "model_max_length": MAX_POSITIONS,
            "chat_template": CHAT_TEMPLATE,
            "clean_up_tokenization_spaces": False,
        },
    )
    return directory


def build_tiny_lora(directory: Path, rank: int = 64, seed: int = 0) -> Path:
    """Write a random LoRA adapter for the tiny model (needs torch and safetensors, which the
    vLLM install brings) and return its directory."""
    import torch
    from safetensors.torch import save_file

    directory.mkdir(parents=True, exist_ok=True)
    generator = torch.Generator().manual_seed(seed)
    projections = ("q_proj", "v_proj")
    tensors = {}
    for layer in range(NUM_LAYERS):
        for projection in projections:
            prefix = f"base_model.model.model.layers.{layer}.self_attn.{projection}"
            a = torch.randn(rank, HIDDEN_SIZE, generator=generator) * 0.1
            b = torch.randn(HIDDEN_SIZE, rank, generator=generator) * 0.1
            tensors[f"{prefix}.lora_A.weight"] = a
            tensors[f"{prefix}.lora_B.weight"] = b
    save_file(tensors, str(directory / "adapter_model.safetensors"))
    _write_json(
        directory / "adapter_config.json",
        {
            "peft_type": "LORA",
            "task_type": "CAUSAL_LM",
            "r": rank,
            "lora_alpha": 2 * rank,
            "lora_dropout": 0.0,
            "target_modules": list(projections),
            "bias": "none",
            "fan_in_fan_out": False,
            "base_model_name_or_path": "tiny-llama",
        },
    )
    return directory


def _train_tokenizer(corpus: Iterable[str], vocab_size: int):  # -> tokenizers.Tokenizer
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(corpus, trainer=trainer)
    return tokenizer


def _model_config(vocab_size: int, ids: dict[str, int]) -> dict:
    return {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "vocab_size": vocab_size,
        "hidden_size": HIDDEN_SIZE,
        "intermediate_size": 2 * HIDDEN_SIZE,
        "num_hidden_layers": NUM_LAYERS,
        "num_attention_heads": NUM_HEADS,
        "num_key_value_heads": NUM_HEADS,
        "head_dim": HIDDEN_SIZE // NUM_HEADS,
        "hidden_act": "silu",
        "max_position_embeddings": MAX_POSITIONS,
        "rms_norm_eps": 1e-5,
        "rope_theta": 10000.0,
        "tie_word_embeddings": False,
        "torch_dtype": "bfloat16",
        "bos_token_id": ids[BOS],
        "eos_token_id": [ids[END_OF_TURN], ids[EOS]],
    }


def _write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
