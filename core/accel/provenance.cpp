#include "core/accel/provenance.h"

namespace vs::accel {

std::vector<std::string> extrapolations(const AccelSpec& spec, bool flowar) {
  std::vector<std::string> lines;
  if (spec.skip_after)
    lines.push_back(flowar ? "skip on FlowAR [D]: scale skipping was reported on Infinity (FastVAR, SkipVAR), not FlowAR"
                           : "skip on VAR [D]: scale skipping was reported on Infinity (FastVAR, SkipVAR), not "
                             "class-conditional VAR");
  if (spec.uncond_from && !flowar)
    lines.push_back("cfg-drop on VAR [D]: SkipVAR reported it under Infinity's constant CFG; VAR's CFG ramps to its "
                    "maximum at the last scale, so dropping it there changes more");
  if (spec.uncond_from && flowar)
    lines.push_back("cfg-drop on FlowAR [D]: the per-scale switch is not reported; only the guidance interval is "
                    "FlowAR's own mechanism");
  if (spec.steps || !spec.steps_per_scale.empty())
    lines.push_back("steps [D]: the grid is FlowAR's own, but no steps-versus-quality table is published");
  if (spec.fastvar)
    lines.push_back("fastvar [D]: FastVAR was reported on Infinity and HART only; this port to class-conditional VAR "
                    "and its default cache and prune sides are not reported anywhere");
  if (!spec.code_drafter.empty() && flowar)
    lines.push_back("code on FlowAR [D]: collaborative decoding was reported on VAR (d30 drafts, d16 refines); the "
                    "FlowAR split is the spec's extrapolation");
  if (spec.share_cfg_from && *spec.share_cfg_from != 0)
    lines.push_back("cfg-share:from [D]: LiteVAR shares the CFG halves' attention in every scale; starting at a later "
                    "scale is ours");
  return lines;
}

}  // namespace vs::accel
