#include "app/cli/criterion_export.h"

#include <cmath>
#include <cstdio>

#include "app/cli/json_writer.h"

namespace vs::cli {

namespace {

const char* const kZoneColumns[] = {"zone_I", "zone_II", "zone_III", "zone_undefined"};

std::string csv_number(double v) {
  if (!std::isfinite(v)) return "nan";
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", v);
  return text;
}

}  // namespace

gen::SamplingRequest criterion_request(const gen::ModelInfo& info, gen::SamplingRequest request, long samples) {
  request.labels.clear();
  for (long i = 0; i < samples; ++i) request.labels.push_back(info.num_classes > 0 ? i % info.num_classes : -1);
  request.seed = 0;
  request.decode_final = false;  // the criterion looks at attention only
  request.decode_each_scale = false;
  return request;
}

std::string criterion_csv(const std::vector<observe::HeadCriterion>& rows) {
  std::string csv =
      "module,attention,scale,block,head,keys,head_dim,calls,max_abs_q,max_abs_k,beta,b_eff,sqrt_ln_L,ratio,zone,"
      "taylor_degree,chebyshev_degree\n";
  for (const auto& r : rows)
    csv += std::string(observe::module_name(r.module)) + "," + observe::attention_kind_name(r.kind) + "," +
           std::to_string(r.scale) + "," + std::to_string(r.block) + "," + std::to_string(r.head) + "," +
           std::to_string(r.keys) + "," + std::to_string(r.head_dim) + "," + std::to_string(r.calls) + "," +
           csv_number(r.max_abs_q) + "," + csv_number(r.max_abs_k) + "," + csv_number(r.beta) + "," + csv_number(r.b_eff) + "," +
           csv_number(r.threshold) + "," + csv_number(r.ratio) + "," + theory::zone_name(r.zone) + "," +
           std::to_string(r.taylor_degree) + "," + std::to_string(r.chebyshev_degree) + "\n";
  return csv;
}

std::string criterion_json(const gen::ModelInfo& info, long samples, double eps,
                           const std::vector<observe::HeadCriterion>& rows,
                           const std::vector<observe::ZoneCounts>& histogram, const std::string& verdict) {
  std::string json = "{\"model\":" + json_string(info.model_path) + ",\"samples\":" + std::to_string(samples) +
                     ",\"eps\":" + json_number(eps) + ",\"rows\":[";
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    json += std::string(i ? "," : "") + "{\"module\":" + json_string(observe::module_name(r.module)) +
            ",\"attention\":" + json_string(observe::attention_kind_name(r.kind)) + ",\"scale\":" +
            std::to_string(r.scale) + ",\"block\":" + std::to_string(r.block) + ",\"head\":" + std::to_string(r.head) +
            ",\"keys\":" + std::to_string(r.keys) + ",\"calls\":" + std::to_string(r.calls) + ",\"max_abs_q\":" +
            json_number(r.max_abs_q) + ",\"max_abs_k\":" + json_number(r.max_abs_k) + ",\"beta\":" +
            json_number(r.beta) + ",\"b_eff\":" + json_number(r.b_eff) + ",\"sqrt_ln_L\":" +
            json_number(r.threshold) + ",\"ratio\":" + json_number(r.ratio) + ",\"zone\":" +
            json_string(theory::zone_name(r.zone)) + ",\"taylor_degree\":" + std::to_string(r.taylor_degree) +
            ",\"chebyshev_degree\":" + std::to_string(r.chebyshev_degree) + "}";
  }
  json += "],\"histogram\":[";
  for (size_t i = 0; i < histogram.size(); ++i) {
    const auto& h = histogram[i];
    json += std::string(i ? "," : "") + "{\"module\":" + json_string(observe::module_name(h.module)) +
            ",\"scale\":" + std::to_string(h.scale);
    for (size_t z = 0; z < 4; ++z) json += ",\"" + std::string(kZoneColumns[z]) + "\":" + std::to_string(h.heads[z]);
    json += "}";
  }
  return json + "],\"verdict\":" + json_string(verdict) + "}\n";
}

}  // namespace vs::cli
