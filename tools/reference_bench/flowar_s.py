# Times this project's PyTorch FlowAR port at FlowAR-S shapes (random weights), CFG 4.3, 25 steps.
import os, sys, time, torch
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "train"))
from flowar_model import FlowAR
torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
torch.manual_seed(0)
m = FlowAR(width=768, enc_depth=6, dec_depth=6, flow_width=1024, flow_depth=2, num_classes=1000,
           scales=(1, 2, 4, 8, 16)).eval()
for p in m.parameters():
    torch.nn.init.normal_(p, std=0.02)
print("params", sum(p.numel() for p in m.parameters()))
g = torch.Generator().manual_seed(0)
t0 = time.time()
samples, conds = m.sample(torch.tensor([207]), num_steps=25, cfg=4.3, guidance=0.9, generator=g)
print("sampling_s %.2f" % (time.time() - t0))
