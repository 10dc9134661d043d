#include "core/eval/sample_quality.h"

#include <string>

#include "core/error.h"

namespace vs::eval {

QualityMeter::QualityMeter(int num_classes, int feature_dim)
    : feature_dim_(feature_dim), per_class_(static_cast<size_t>(num_classes)) {}

void QualityMeter::add(const ClassifierOutput& output, const std::vector<int64_t>& labels) {
  if (output.features.rank() != 2 || output.features.dim(1) != feature_dim_ ||
      output.predicted.size() != labels.size() || output.features.dim(0) != static_cast<int64_t>(labels.size()))
    throw Error("quality meter: " + std::to_string(labels.size()) + " labels for features " +
                output.features.shape_str() + " (feature dim " + std::to_string(feature_dim_) + ")");
  for (size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0 || labels[i] >= static_cast<int64_t>(per_class_.size()))
      throw Error("quality meter: label " + std::to_string(labels[i]) + " outside [0, " +
                  std::to_string(per_class_.size()) + ")");
    ClassTally& t = per_class_[labels[i]];
    ++t.count;
    t.correct += output.predicted[i] == labels[i];
  }
  features_.insert(features_.end(), output.features.data.begin(), output.features.data.end());
}

QualityReport QualityMeter::finish(const Gaussian& reference) const {
  QualityReport report;
  report.per_class = per_class_;
  for (const ClassTally& t : per_class_) {
    report.overall.count += t.count;
    report.overall.correct += t.correct;
  }
  report.images = report.overall.count;
  Tensor features({report.images, feature_dim_});
  features.data = features_;
  report.frechet = frechet_distance(fit_gaussian(features), reference);
  return report;
}

}  // namespace vs::eval
