"""Hand-derived and published values the tests compare against, each written out once.

Never computed by course_lib: every value is a derivation written here or a published figure with
its source, so a test that imports it stays independent of the code under test.
"""

# --- parameter counts: config.json shapes (vocab 32000, untied head, SwiGLU, RMSNorm, no biases) ------
# Llama-2 7B: 2*32000*4096 + 32*(4*4096**2 + 3*4096*11008 + 2*4096) + 4096 = 6,738,415,616;
# also the published count (KerasHub llama2_7b_en; Hugging Face meta-llama/Llama-2-7b-hf safetensors total).
LLAMA2_7B_PARAMS = 2 * 32000 * 4096 + 32 * (4 * 4096**2 + 3 * 4096 * 11008 + 2 * 4096) + 4096
assert LLAMA2_7B_PARAMS == 6_738_415_616
# Llama-2 13B (Hugging Face meta-llama/Llama-2-13b-hf): 2*32000*5120 + 40*(4*5120**2 + 3*5120*13824 + 2*5120) + 5120.
LLAMA2_13B_PARAMS = 2 * 32000 * 5120 + 40 * (4 * 5120**2 + 3 * 5120 * 13824 + 2 * 5120) + 5120
assert LLAMA2_13B_PARAMS == 13_015_864_320
# Llama-2 70B (GQA, 8 KV heads of 128): 2*32000*8192 + 80*(2*8192**2 + 2*8192*1024 + 3*8192*28672 + 2*8192) + 8192.
LLAMA2_70B_PARAMS = 2 * 32000 * 8192 + 80 * (2 * 8192**2 + 2 * 8192 * 1024 + 3 * 8192 * 28672 + 2 * 8192) + 8192
assert LLAMA2_70B_PARAMS == 68_976_648_192
# GPT-2 small: 50257*768 wte + 1024*768 wpe + 12*(attention 4*768**2 + 4*768, MLP 8*768**2 + 5*768,
# 2 LayerNorms 4*768) + final LayerNorm 2*768 = 124,439,808 (KerasHub gpt2_base_en).
GPT2_SMALL_PARAMS = 50257 * 768 + 1024 * 768 + 12 * (12 * 768**2 + 13 * 768) + 2 * 768
assert GPT2_SMALL_PARAMS == 124_439_808

# --- datasheet rates used across tests ------------------------------------------------------------------
H100_SXM_BF16_DENSE_TFLOPS = 989.5  # datasheet "BF16 1,979 TFLOPS*" (* with sparsity) / 2
A100_BF16_DENSE_TFLOPS = 312  # A100 datasheet, BF16 Tensor Core, dense
A100_80GB_BANDWIDTH_GBS = 2039  # A100 SXM 80GB datasheet, HBM2e
