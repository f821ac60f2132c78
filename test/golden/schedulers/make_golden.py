#!/usr/bin/env python3
"""Golden numbers for src/stages/img2img schedulers, re-implemented with numpy only (float64) from
diffusers' published source (v0.2x): scheduling_pndm.py, scheduling_ddim.py,
scheduling_euler_ancestral_discrete.py, pipeline_stable_diffusion_img2img.py (get_timesteps).
No torch/diffusers here: each formula is transcribed below next to the diffusers function it mirrors.
diffusers computes in float32 (torch); these are float64, so compare with ~1e-5 relative tolerance.

Run:  /usr/bin/python3 test/golden/schedulers/make_golden.py > test/golden/schedulers/golden.json
"""
import json
import numpy as np

T = 1000
CFG = dict(beta_start=0.00085, beta_end=0.012)  # SD v1.4 / SD-Turbo scheduler_config.json


def alphas_cumprod():
    # betas = torch.linspace(beta_start**0.5, beta_end**0.5, T) ** 2   ("scaled_linear")
    betas = np.linspace(CFG["beta_start"] ** 0.5, CFG["beta_end"] ** 0.5, T, dtype=np.float64) ** 2
    return np.cumprod(1.0 - betas)


AC = alphas_cumprod()
FINAL = AC[0]  # set_alpha_to_one = False


def fixed_inputs(n=6):
    # Deterministic, easy to retype in TS: sample[i] = sin(i+1), eps[i] = cos(2i+1)/2, noise[i] = (i%3-1)*0.7
    i = np.arange(n, dtype=np.float64)
    return np.sin(i + 1), np.cos(2 * i + 1) / 2, (i % 3 - 1) * 0.7


# ---- DDIM (leading spacing, steps_offset 1) -- DDIMScheduler.set_timesteps / step
def ddim_timesteps(N, offset=1):
    ratio = T // N
    return ((np.arange(0, N) * ratio).round()[::-1] + offset).astype(np.int64)


def ddim_step(eps, t, x, N, eta=0.0, noise=None):
    prev_t = t - T // N
    a_t = AC[t]
    a_prev = AC[prev_t] if prev_t >= 0 else FINAL
    b_t = 1 - a_t
    x0 = (x - b_t ** 0.5 * eps) / a_t ** 0.5
    b_prev = 1 - a_prev
    variance = (b_prev / b_t) * (1 - a_t / a_prev)
    std = eta * variance ** 0.5
    direction = (1 - a_prev - std ** 2) ** 0.5 * eps
    prev = a_prev ** 0.5 * x0 + direction
    if eta > 0:
        prev = prev + std * noise
    return prev


# ---- PNDM (skip_prk_steps) -- PNDMScheduler.set_timesteps / step_plms / _get_prev_sample
def pndm_timesteps(N, offset=1):
    ratio = T // N
    ts = (np.arange(0, N) * ratio).round() + offset
    return np.concatenate([ts[:-1], ts[-2:-1], ts[-1:]])[::-1].astype(np.int64)


class Pndm:
    def __init__(self, N):
        self.N, self.ets, self.counter, self.cur = N, [], 0, None

    def prev_sample(self, x, t, prev_t, mo):
        a_t = AC[t]
        a_prev = AC[prev_t] if prev_t >= 0 else FINAL
        b_t, b_prev = 1 - a_t, 1 - a_prev
        coeff = (a_prev / a_t) ** 0.5
        denom = a_t * b_prev ** 0.5 + (a_t * b_t * a_prev) ** 0.5
        return coeff * x - (a_prev - a_t) * mo / denom

    def step(self, mo, t, x):
        prev_t = t - T // self.N
        if self.counter != 1:
            self.ets = self.ets[-3:]
            self.ets.append(mo)
        else:
            prev_t = t
            t = t + T // self.N
        e = self.ets
        if len(e) == 1 and self.counter == 0:
            self.cur = x
        elif len(e) == 1 and self.counter == 1:
            mo = (mo + e[-1]) / 2
            x = self.cur
            self.cur = None
        elif len(e) == 2:
            mo = (3 * e[-1] - e[-2]) / 2
        elif len(e) == 3:
            mo = (23 * e[-1] - 16 * e[-2] + 5 * e[-3]) / 12
        else:
            mo = (55 * e[-1] - 59 * e[-2] + 37 * e[-3] - 9 * e[-4]) / 24
        out = self.prev_sample(x, t, prev_t, mo)
        self.counter += 1
        return out


# ---- Euler ancestral -- EulerAncestralDiscreteScheduler.set_timesteps / scale_model_input / step
def euler_timesteps(N, spacing, offset=1):
    if spacing == "trailing":
        ts = np.arange(T, 0, -T / N).round() - 1
    elif spacing == "leading":
        ts = (np.arange(0, N) * (T // N)).round()[::-1] + offset
    else:  # linspace
        ts = np.linspace(0, T - 1, N)[::-1]
    sig = ((1 - AC) / AC) ** 0.5
    sigmas = np.concatenate([np.interp(ts, np.arange(len(sig)), sig), [0.0]])
    init_sigma = sigmas.max() if spacing in ("linspace", "trailing") else (sigmas.max() ** 2 + 1) ** 0.5
    return ts.astype(np.float64), sigmas, init_sigma


def euler_step(eps, x, sigmas, i, noise):
    sigma = sigmas[i]
    x0 = x - sigma * eps
    s_from, s_to = sigma, sigmas[i + 1]
    s_up = (s_to ** 2 * (s_from ** 2 - s_to ** 2) / s_from ** 2) ** 0.5
    s_down = (s_to ** 2 - s_up ** 2) ** 0.5
    d = (x - x0) / sigma
    return x + d * (s_down - sigma) + noise * s_up


# ---- Euler (EulerDiscreteScheduler, SD-Turbo's config; s_churn = 0, epsilon): same sigmas as above
def euler_discrete_step(eps, x, sigmas, i):
    sigma = sigmas[i]
    x0 = x - sigma * eps
    d = (x - x0) / sigma
    return x + d * (sigmas[i + 1] - sigma)


# ---- img2img start -- StableDiffusionImg2ImgPipeline.get_timesteps (order 1 for all three)
def img2img(timesteps, N, strength):
    init = min(int(N * strength), N)
    start = max(N - init, 0)
    rest = timesteps[start:]
    return dict(t_start=int(start), count=int(len(rest)), first=float(rest[0]) if len(rest) else None)


def L(a):
    return [float(v) for v in a]


x, eps, noise = fixed_inputs()
out = dict(
    made_by="test/golden/schedulers/make_golden.py (numpy float64 transcription of diffusers' formulas)",
    inputs=dict(sample=L(x), eps=L(eps), noise=L(noise)),
    alphas_cumprod=dict(idx=[0, 1, 20, 500, 981, 999], values=L(AC[[0, 1, 20, 500, 981, 999]])),
    ddim=dict(
        N=50,
        timesteps=L(ddim_timesteps(50)),
        step_t981=L(ddim_step(eps, 981, x, 50)),
        step_t1=L(ddim_step(eps, 1, x, 50)),
        step_eta1_t501=L(ddim_step(eps, 501, x, 50, eta=1.0, noise=noise)),
    ),
)
ts = pndm_timesteps(50)
p = Pndm(50)
seq, cur = [], x.copy()
for k in range(5):  # five steps with eps scaled per step, so every multistep branch is exercised
    cur = p.step(eps * (1 + 0.1 * k), int(ts[k]), cur)
    seq.append(L(cur))
out["pndm"] = dict(N=50, timesteps=L(ts), steps_eps_scale="eps*(1+0.1k)", five_steps=seq)
eul = {}
for spacing, N in (("trailing", 1), ("trailing", 4), ("leading", 50), ("linspace", 10)):
    t, s, init = euler_timesteps(N, spacing)
    eul[f"{spacing}_{N}"] = dict(timesteps=L(t), sigmas=L(s), init_noise_sigma=float(init))
t, s, _ = euler_timesteps(4, "trailing")
eul["trailing_4_step0"] = L(euler_step(eps, x, s, 0, noise))
eul["trailing_4_scale0"] = L(x / (s[0] ** 2 + 1) ** 0.5)
eul["trailing_4_step3"] = L(euler_step(eps, x, s, 3, noise))
out["euler_ancestral"] = eul
out["euler"] = dict(
    trailing_4_step0=L(euler_discrete_step(eps, x, s, 0)),
    trailing_4_step3=L(euler_discrete_step(eps, x, s, 3)),
)
out["img2img"] = {
    "pndm_50_0.5": img2img(pndm_timesteps(50), 50, 0.5),
    "ddim_50_0.5": img2img(ddim_timesteps(50), 50, 0.5),
    "ddim_50_0.75": img2img(ddim_timesteps(50), 50, 0.75),
    "ddim_50_0.0": img2img(ddim_timesteps(50), 50, 0.0),
    "ddim_50_1.0": img2img(ddim_timesteps(50), 50, 1.0),
    "euler_trailing_4_0.5": img2img(euler_timesteps(4, "trailing")[0], 4, 0.5),
}
print(json.dumps(out, indent=1))
