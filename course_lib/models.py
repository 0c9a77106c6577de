"""Transformer model configurations and exact parameter counts.

``ModelConfig.param_count()`` counts every weight of the published checkpoint: embeddings,
(learned) position embeddings, attention and MLP weights and biases, norms, the untied output
head, MoE routers. Presets carry the source (paper table or ``config.json``) of their numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from course_lib import _validate


@dataclass(frozen=True)
class ModelConfig:
    """A decoder-only transformer. Sizes are counts (not bytes).

    n_kv_heads < n_heads means grouped-query attention (GQA; 1 = multi-query).
    gated_mlp: SwiGLU-style MLP with three d_model x d_ff matrices instead of two.
    n_experts > 1: mixture of experts; each token uses ``experts_per_token`` of them.
    bias: linear layers have biases (GPT-2/3, OPT, BLOOM) or not (Llama, Mistral).
    norm: "layernorm" (weight + bias, 2*d_model) or "rmsnorm" (weight only, d_model).
    embedding_norm: a norm right after the token embedding (BLOOM).
    """

    name: str
    vocab_size: int
    d_model: int
    n_layers: int
    n_heads: int
    n_kv_heads: int
    d_ff: int
    gated_mlp: bool
    tied_embeddings: bool
    learned_positions: bool
    max_seq_len: int
    n_experts: int = 1
    experts_per_token: int = 1
    bias: bool = False
    norm: str = "rmsnorm"
    embedding_norm: bool = False
    source: str = field(default="", repr=False)

    def __post_init__(self):
        for name in ("vocab_size", "d_model", "n_layers", "n_heads", "n_kv_heads", "d_ff", "max_seq_len",
                     "n_experts", "experts_per_token"):
            _validate.positive_int(name, getattr(self, name))
        if self.d_model % self.n_heads:
            raise ValueError(f"d_model ({self.d_model}) must be divisible by n_heads ({self.n_heads})")
        if self.n_heads % self.n_kv_heads:
            raise ValueError(f"n_kv_heads ({self.n_kv_heads}) must divide n_heads ({self.n_heads})")
        if self.experts_per_token > self.n_experts:
            raise ValueError(f"experts_per_token ({self.experts_per_token}) must be <= n_experts ({self.n_experts})")
        _validate.choice("norm", self.norm, ("layernorm", "rmsnorm"))

    @property
    def head_dim(self) -> int:
        """Size of one attention head, d_model / n_heads."""
        return self.d_model // self.n_heads

    @property
    def kv_dim(self) -> int:
        """Width of the K (or V) projection: n_kv_heads * head_dim."""
        return self.n_kv_heads * self.head_dim

    def _norm_params(self) -> int:
        return 2 * self.d_model if self.norm == "layernorm" else self.d_model

    def attention_params_per_layer(self) -> int:
        """Q, K, V, O projections (and their biases)."""
        d, kv = self.d_model, self.kv_dim
        weights = 2 * d * d + 2 * d * kv
        return weights + ((2 * d + 2 * kv) if self.bias else 0)

    def mlp_params_per_expert(self) -> int:
        """One MLP (one expert): 2 or 3 (gated) d_model x d_ff matrices, plus biases."""
        d, f = self.d_model, self.d_ff
        if self.gated_mlp:
            return 3 * d * f + ((2 * f + d) if self.bias else 0)
        return 2 * d * f + ((f + d) if self.bias else 0)

    def _layer_params(self, experts: int) -> int:
        router = self.d_model * self.n_experts if self.n_experts > 1 else 0
        return (self.attention_params_per_layer() + experts * self.mlp_params_per_expert() + router
                + 2 * self._norm_params())

    def embedding_params(self) -> int:
        """Token embedding, learned positions, embedding norm and untied output head."""
        d = self.d_model
        total = self.vocab_size * d
        total += self.max_seq_len * d if self.learned_positions else 0
        total += self._norm_params() if self.embedding_norm else 0
        total += 0 if self.tied_embeddings else self.vocab_size * d
        return total

    def param_count(self) -> int:
        """Exact number of parameters of the checkpoint (all experts)."""
        return self.embedding_params() + self.n_layers * self._layer_params(self.n_experts) + self._norm_params()

    def active_param_count(self) -> int:
        """Parameters used per token: like param_count() but with experts_per_token experts."""
        return (self.embedding_params() + self.n_layers * self._layer_params(self.experts_per_token)
                + self._norm_params())


_PRESETS = [
    ModelConfig("GPT-2 small", vocab_size=50257, d_model=768, n_layers=12, n_heads=12, n_kv_heads=12, d_ff=3072,
                gated_mlp=False, tied_embeddings=True, learned_positions=True, max_seq_len=1024, bias=True,
                norm="layernorm", source="https://huggingface.co/openai-community/gpt2/blob/main/config.json"),
    ModelConfig("Llama-2 7B", vocab_size=32000, d_model=4096, n_layers=32, n_heads=32, n_kv_heads=32, d_ff=11008,
                gated_mlp=True, tied_embeddings=False, learned_positions=False, max_seq_len=4096,
                source="https://huggingface.co/meta-llama/Llama-2-7b-hf/blob/main/config.json"),
]
_ALIASES = {"gpt2": "GPT-2 small", "llama2-7b": "Llama-2 7B"}


def list_models() -> list:
    """All preset configurations."""
    return list(_PRESETS)


def model_names() -> list:
    """Names of the presets, for dropdowns."""
    return [m.name for m in _PRESETS]


def get_model(name) -> ModelConfig:
    """Preset by name or alias, ignoring case and punctuation: ``get_model("llama-2-7b")``.

    A ``ModelConfig`` is returned unchanged; unknown names raise ValueError with close matches.
    """
    if isinstance(name, ModelConfig):
        return name
    index = {_validate.normalize_key(m.name): m for m in _PRESETS}
    index.update({_validate.normalize_key(a): index[_validate.normalize_key(t)] for a, t in _ALIASES.items()})
    key = _validate.normalize_key(name) if isinstance(name, str) else None
    if key in index:
        return index[key]
    raise ValueError(_validate.unknown_message("model name", name, model_names() + list(_ALIASES)))
