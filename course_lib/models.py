"""Transformer model configurations and exact parameter counts.

``ModelConfig.param_count()`` counts every weight of the published checkpoint: embeddings,
(learned) position embeddings, attention and MLP weights and biases, norms, the untied output
head, MoE routers. Presets carry the source (paper table or ``config.json``) of their numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from course_lib import _validate
from course_lib._registry import Registry, by_name

NORMS = ("layernorm", "rmsnorm")
# Upper bound on every size field (vocabulary, widths, layers, heads, context): 2**24 = 16.8M is far
# above any published model and keeps parameter counts and FLOP in the float range.
MAX_SIZE = 2**24


@dataclass(frozen=True)
class ModelConfig:
    """A decoder-only transformer. Sizes are counts (not bytes).

    n_kv_heads < n_heads means grouped-query attention (GQA; 1 = multi-query).
    gated_mlp: SwiGLU-style MLP with three d_model x d_ff matrices instead of two.
    n_experts > 1: mixture of experts; each token uses ``experts_per_token`` of them.
    bias: linear layers have biases (GPT-2/3, OPT, BLOOM) or not (Llama, Mistral).
    norm: "layernorm" (weight + bias, 2*d_model) or "rmsnorm" (weight only, d_model).
    embedding_norm: a norm right after the token embedding (BLOOM).
    learned_positions: a learned position table of ``max_seq_len + position_offset`` rows
    (OPT reserves 2 extra rows, so its 2048-token table has 2050 rows); rotary (Llama) and ALiBi
    (BLOOM) positions have no weights.

    Serving-related fields (all default to "not used"):

    sliding_window: each token attends to at most this many previous tokens (Mistral 7B: 4096), so
    the KV cache keeps at most ``sliding_window`` tokens per sequence; 0 = full attention.
    kv_lora_rank > 0 means multi-head latent attention (MLA, DeepSeek-V2/V3): instead of K and V
    per head, each token caches one ``kv_lora_rank``-wide latent vector plus a ``qk_rope_head_dim``
    rotary key shared by all heads; ``q_lora_rank`` (0 = none) compresses the queries the same way,
    and each head has ``qk_nope_head_dim + qk_rope_head_dim`` query/key and ``v_head_dim`` value
    dimensions (the config.json names).
    moe_d_ff: width of one routed expert (0 = ``d_ff``); n_shared_experts: experts every token uses
    besides the routed ones; n_dense_layers: the first layers have a dense ``d_ff`` MLP instead of
    experts (DeepSeek's ``first_k_dense_replace``); router_bias: the router has one bias per expert.
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
    position_offset: int = 0
    sliding_window: int = 0
    kv_lora_rank: int = 0
    q_lora_rank: int = 0
    qk_rope_head_dim: int = 0
    qk_nope_head_dim: int = 0
    v_head_dim: int = 0
    moe_d_ff: int = 0
    n_shared_experts: int = 0
    n_dense_layers: int = 0
    router_bias: bool = False
    source: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        canonical: dict[str, Any] = {"name": _validate.text("name", self.name)}
        for name in ("vocab_size", "d_model", "n_layers", "n_heads", "n_kv_heads", "d_ff", "max_seq_len",
                     "n_experts", "experts_per_token"):
            canonical[name] = _validate.positive_int(name, getattr(self, name), MAX_SIZE)
        for name in ("position_offset", "sliding_window", "kv_lora_rank", "q_lora_rank", "qk_rope_head_dim",
                     "qk_nope_head_dim", "v_head_dim", "moe_d_ff", "n_shared_experts", "n_dense_layers"):
            canonical[name] = _validate.non_negative_int(name, getattr(self, name), MAX_SIZE)
        for name in ("gated_mlp", "tied_embeddings", "learned_positions", "bias", "embedding_norm", "router_bias"):
            canonical[name] = _validate.flag(name, getattr(self, name))
        canonical["norm"] = _validate.choice("norm", self.norm, NORMS)
        canonical["source"] = _validate.text("source", self.source)
        for name, value in canonical.items():  # stored in canonical form: norm="LayerNorm" -> "layernorm"
            object.__setattr__(self, name, value)
        if self.kv_lora_rank and not (self.qk_nope_head_dim and self.v_head_dim):
            raise ValueError("kv_lora_rank: multi-head latent attention also needs qk_nope_head_dim and v_head_dim")
        if self.n_dense_layers > self.n_layers:
            raise ValueError(f"n_dense_layers ({self.n_dense_layers}) must be <= n_layers ({self.n_layers})")
        if self.d_model % self.n_heads:
            raise ValueError(f"d_model ({self.d_model}) must be divisible by n_heads ({self.n_heads})")
        if self.n_heads % self.n_kv_heads:
            raise ValueError(f"n_kv_heads ({self.n_kv_heads}) must divide n_heads ({self.n_heads})")
        if self.experts_per_token > self.n_experts:
            raise ValueError(f"experts_per_token ({self.experts_per_token}) must be <= n_experts ({self.n_experts})")

    @property
    def head_dim(self) -> int:
        """Size of one attention head, d_model / n_heads."""
        return self.d_model // self.n_heads

    @property
    def kv_dim(self) -> int:
        """Width of the K (or V) projection: n_kv_heads * head_dim."""
        return self.n_kv_heads * self.head_dim

    @property
    def is_mla(self) -> bool:
        """True for multi-head latent attention (DeepSeek-V2/V3): a latent KV cache shared by all heads."""
        return self.kv_lora_rank > 0

    @property
    def qk_head_dim(self) -> int:
        """Width of one head's query and key: head_dim, or for MLA qk_nope_head_dim + qk_rope_head_dim."""
        return self.qk_nope_head_dim + self.qk_rope_head_dim if self.is_mla else self.head_dim

    @property
    def value_head_dim(self) -> int:
        """Width of one head's value: head_dim, or for MLA v_head_dim."""
        return self.v_head_dim if self.is_mla else self.head_dim

    @property
    def kv_values_per_token(self) -> int:
        """Numbers one token keeps in the KV cache, all layers: 2 (K and V) x n_layers x kv_dim, or for
        MLA n_layers x (kv_lora_rank + qk_rope_head_dim) (one latent and one rotary key per layer)."""
        if self.is_mla:
            return self.n_layers * (self.kv_lora_rank + self.qk_rope_head_dim)
        return 2 * self.n_layers * self.kv_dim

    @property
    def n_moe_layers(self) -> int:
        """Layers whose MLP is a mixture of experts (0 for a dense model)."""
        return self.n_layers - self.n_dense_layers if self.n_experts > 1 else 0

    @property
    def expert_d_ff(self) -> int:
        """Width of one routed (or shared) expert: moe_d_ff, or d_ff when not given."""
        return self.moe_d_ff or self.d_ff

    def _norm_params(self) -> int:
        return 2 * self.d_model if self.norm == "layernorm" else self.d_model

    def attention_params_per_layer(self) -> int:
        """Q, K, V, O projections (and their biases); for MLA the down- and up-projections and their norms."""
        d, kv = self.d_model, self.kv_dim
        if self.is_mla:
            h, rank, rope = self.n_heads, self.kv_lora_rank, self.qk_rope_head_dim
            q_out = h * self.qk_head_dim
            query = (d * self.q_lora_rank + self.q_lora_rank + self.q_lora_rank * q_out) if self.q_lora_rank \
                else d * q_out
            key_value = d * (rank + rope) + rank + rank * h * (self.qk_nope_head_dim + self.v_head_dim)
            return query + key_value + h * self.v_head_dim * d
        weights = 2 * d * d + 2 * d * kv
        return weights + ((2 * d + 2 * kv) if self.bias else 0)

    def _mlp_params(self, width: int) -> int:
        d, f = self.d_model, width
        if self.gated_mlp:
            return 3 * d * f + ((2 * f + d) if self.bias else 0)
        return 2 * d * f + ((f + d) if self.bias else 0)

    def mlp_params_per_expert(self) -> int:
        """One MLP (one expert): 2 or 3 (gated) d_model x expert_d_ff matrices, plus biases."""
        return self._mlp_params(self.expert_d_ff)

    def _layer_params(self, experts: int) -> int:
        router = self.d_model * self.n_experts + (self.n_experts if self.router_bias else 0) if self.n_experts > 1 else 0
        shared = self.n_shared_experts * self.mlp_params_per_expert()
        return (self.attention_params_per_layer() + experts * self.mlp_params_per_expert() + shared + router
                + 2 * self._norm_params())

    def _dense_layers_params(self) -> int:
        """The first n_dense_layers layers of an MoE model, with a dense d_ff MLP."""
        return self.n_dense_layers * (self.attention_params_per_layer() + self._mlp_params(self.d_ff)
                                      + 2 * self._norm_params())

    def embedding_params(self) -> int:
        """Token embedding, learned positions, embedding norm and untied output head."""
        d = self.d_model
        total = self.vocab_size * d
        total += (self.max_seq_len + self.position_offset) * d if self.learned_positions else 0
        total += self._norm_params() if self.embedding_norm else 0
        total += 0 if self.tied_embeddings else self.vocab_size * d
        return total

    def param_count(self) -> int:
        """Exact number of parameters of the checkpoint (all experts)."""
        return self._count(self.n_experts)

    def active_param_count(self) -> int:
        """Parameters used per token: like param_count() but with experts_per_token experts."""
        return self._count(self.experts_per_token)

    def _count(self, experts: int) -> int:
        layers = self.n_layers - self.n_dense_layers
        return (self.embedding_params() + self._dense_layers_params() + layers * self._layer_params(experts)
                + self._norm_params())


def _gpt2(name: str, d_model: int, n_layers: int, n_heads: int, repo: str) -> ModelConfig:
    """GPT-2 (Radford et al. 2019): vocab 50257, 1024 learned positions, 4h GELU MLP, tied head."""
    return ModelConfig(name, vocab_size=50257, d_model=d_model, n_layers=n_layers, n_heads=n_heads,
                       n_kv_heads=n_heads, d_ff=4 * d_model, gated_mlp=False, tied_embeddings=True,
                       learned_positions=True, max_seq_len=1024, bias=True, norm="layernorm",
                       source=f"https://huggingface.co/{repo}/blob/main/config.json")


_GPT3_SOURCE = "Brown et al. 2020, Language Models are Few-Shot Learners, arXiv:2005.14165, Table 2.1"


def _gpt3(name: str, d_model: int, n_layers: int, n_heads: int) -> ModelConfig:
    """GPT-3 (Table 2.1): the GPT-2 architecture with vocab 50257, context 2048, d_ff = 4 d_model.

    No checkpoint was published; the sizes come from the paper's table. Two rows of Table 2.1 are
    not self-consistent and are read through d_head (128 in both): XL lists d_model 2048 with
    24 heads of 128 (= 3072), so we use 16 heads; 13B lists d_model 5140 with 40 heads of 128
    (= 5120, and 5140 is not divisible by 40), so we use 5120, as Megatron-LM's GPT-3 configs do.
    """
    return ModelConfig(name, vocab_size=50257, d_model=d_model, n_layers=n_layers, n_heads=n_heads,
                       n_kv_heads=n_heads, d_ff=4 * d_model, gated_mlp=False, tied_embeddings=True,
                       learned_positions=True, max_seq_len=2048, bias=True, norm="layernorm",
                       source=_GPT3_SOURCE)


def _llama(name: str, vocab_size: int, d_model: int, n_layers: int, n_heads: int, n_kv_heads: int, d_ff: int,
           max_seq_len: int, source: str, **extra: Any) -> ModelConfig:
    """Llama-style decoder: RMSNorm, rotary positions, SwiGLU MLP, no biases, untied output head."""
    return ModelConfig(name, vocab_size=vocab_size, d_model=d_model, n_layers=n_layers, n_heads=n_heads,
                       n_kv_heads=n_kv_heads, d_ff=d_ff, gated_mlp=True, tied_embeddings=False,
                       learned_positions=False, max_seq_len=max_seq_len, source=source, **extra)


_HF = "https://huggingface.co/{}/blob/main/config.json"

_PRESETS = [
    _gpt2("GPT-2 small", 768, 12, 12, "openai-community/gpt2"),
    _gpt2("GPT-2 medium", 1024, 24, 16, "openai-community/gpt2-medium"),
    _gpt2("GPT-2 large", 1280, 36, 20, "openai-community/gpt2-large"),
    _gpt2("GPT-2 XL", 1600, 48, 25, "openai-community/gpt2-xl"),
    _gpt3("GPT-3 Small", 768, 12, 12),
    _gpt3("GPT-3 Medium", 1024, 24, 16),
    _gpt3("GPT-3 Large", 1536, 24, 16),
    _gpt3("GPT-3 XL", 2048, 24, 16),
    _gpt3("GPT-3 2.7B", 2560, 32, 32),
    _gpt3("GPT-3 6.7B", 4096, 32, 32),
    _gpt3("GPT-3 13B", 5120, 40, 40),
    _gpt3("GPT-3 175B", 12288, 96, 96),
    # OPT: ReLU 4h MLP with biases, LayerNorm, tied head; learned positions with 2 extra rows (2050 x 5120).
    ModelConfig("OPT-13B", vocab_size=50272, d_model=5120, n_layers=40, n_heads=40, n_kv_heads=40, d_ff=20480,
                gated_mlp=False, tied_embeddings=True, learned_positions=True, max_seq_len=2048, position_offset=2,
                bias=True, norm="layernorm", source=_HF.format("facebook/opt-13b")),
    # BLOOM: ALiBi (no position weights), LayerNorm after the embedding, 4h GELU MLP with biases, tied head;
    # trained with 2048-token sequences (model card).
    ModelConfig("BLOOM 176B", vocab_size=250880, d_model=14336, n_layers=70, n_heads=112, n_kv_heads=112,
                d_ff=4 * 14336, gated_mlp=False, tied_embeddings=True, learned_positions=False, max_seq_len=2048,
                bias=True, norm="layernorm", embedding_norm=True, source=_HF.format("bigscience/bloom")),
    _llama("Llama-2 7B", 32000, 4096, 32, 32, 32, 11008, 4096, _HF.format("meta-llama/Llama-2-7b-hf")),
    _llama("Llama-2 13B", 32000, 5120, 40, 40, 40, 13824, 4096, _HF.format("meta-llama/Llama-2-13b-hf")),
    _llama("Llama-2 70B", 32000, 8192, 80, 64, 8, 28672, 4096, _HF.format("meta-llama/Llama-2-70b-hf")),
    _llama("Llama-3 8B", 128256, 4096, 32, 32, 8, 14336, 8192, _HF.format("meta-llama/Meta-Llama-3-8B")),
    _llama("Llama-3 70B", 128256, 8192, 80, 64, 8, 28672, 8192, _HF.format("meta-llama/Meta-Llama-3-70B")),
    # Mistral 7B v0.1: config max_position_embeddings 32768, "sliding_window": 4096 (each token attends to
    # the previous 4096 tokens; the KV cache keeps at most 4096 tokens per sequence).
    _llama("Mistral 7B", 32000, 4096, 32, 32, 8, 14336, 32768, _HF.format("mistralai/Mistral-7B-v0.1"),
           sliding_window=4096),
    _llama("Mixtral 8x7B", 32000, 4096, 32, 32, 8, 14336, 32768, _HF.format("mistralai/Mixtral-8x7B-v0.1"),
           n_experts=8, experts_per_token=2),
    # Llama 3.1 405B: hidden 16384, 126 layers, 128 heads, 8 KV heads, FFN 53248, vocab 128256, context 131072
    # (config.json; also Dubey et al. 2024, The Llama 3 Herd of Models, arXiv:2407.21783, Table 3).
    _llama("Llama-3.1 405B", 128256, 16384, 126, 128, 8, 53248, 131072,
           _HF.format("meta-llama/Llama-3.1-405B") + "; Dubey et al. 2024, arXiv:2407.21783, Table 3"),
    # DeepSeek-V3 (main model; the released checkpoint adds a 14B multi-token-prediction module, README):
    # MLA with q_lora_rank 1536, kv_lora_rank 512, qk_nope/rope 128/64, v 128 over 128 heads; 61 layers of
    # which the first 3 are dense (d_ff 18432); the other 58 have 256 routed experts of width 2048 (8 per
    # token) plus 1 shared expert, and a sigmoid router with a bias per expert (e_score_correction_bias).
    _llama("DeepSeek-V3", 129280, 7168, 61, 128, 128, 18432, 163840,
           _HF.format("deepseek-ai/DeepSeek-V3") + "; https://github.com/deepseek-ai/DeepSeek-V3/blob/main/"
           "inference/configs/config_671B.json; DeepSeek-AI 2024, DeepSeek-V3 Technical Report, arXiv:2412.19437",
           n_experts=256, experts_per_token=8, moe_d_ff=2048, n_shared_experts=1, n_dense_layers=3,
           router_bias=True, kv_lora_rank=512, q_lora_rank=1536, qk_rope_head_dim=64, qk_nope_head_dim=128,
           v_head_dim=128),
]
# Names that the punctuation-insensitive match does not already cover ("llama-2-70b" matches "Llama-2 70B").
# The GPT-3 size labels are the paper's "n_params" column.
_ALIASES = {
    "gpt2": "GPT-2 small", "gpt3": "GPT-3 175B", "bloom": "BLOOM 176B", "mistral": "Mistral 7B",
    "mixtral": "Mixtral 8x7B", "deepseek": "DeepSeek-V3", "GPT-3 125M": "GPT-3 Small", "GPT-3 350M": "GPT-3 Medium",
    "GPT-3 760M": "GPT-3 Large", "GPT-3 1.3B": "GPT-3 XL",
}


def _key(name: str) -> str:
    """Lookup key: like ``normalize_key`` but a decimal point survives as "p", so "1.3B" != "13B"."""
    return _validate.normalize_key(name.replace(".", "p"))


_REGISTRY: Registry[ModelConfig] = Registry(by_name(_PRESETS, lambda m: m.name), _ALIASES, what="models.py presets",
                                            param="model name", key=_key)


def list_models() -> list[ModelConfig]:
    """All preset configurations."""
    return _REGISTRY.values()


def model_names() -> list[str]:
    """Names of the presets, for dropdowns."""
    return _REGISTRY.names()


def get_model(name: str | ModelConfig, param: str = "model name") -> ModelConfig:
    """Preset by name or alias, ignoring case and punctuation: ``get_model("llama-2-7b")``.

    A ``ModelConfig`` (validated when it was built) is returned unchanged; unknown names raise
    ValueError with close matches, starting with ``param`` (the caller's parameter name).
    """
    if isinstance(name, ModelConfig):
        return name
    return _REGISTRY.get(name, param)


ModelLike = str | ModelConfig
