// What the comparison and "Your image" read from the explorer's generation: the open model
// as a Generator and the request of the run on screen. Session implements it; tests give
// their own.
#pragma once
#include <memory>
#include <string>

#include "app/gui/session/attention_capture.h"
#include "core/generator/generator.h"

namespace vs::gui {

class GenerationSource {
 public:
  virtual ~GenerationSource() = default;
  // The open model; null while none is open (or while it loads).
  virtual std::shared_ptr<const gen::Generator> generator() const = 0;
  // The request of the run on screen (class, seed, cfg, attention, the family's extras).
  virtual gen::SamplingRequest shown_request() const = 0;
  // Bumps on every new run or model: results computed for an older serial are stale.
  virtual int generation_serial() const = 0;
  // The run on screen reached its last scale and nothing is running.
  virtual bool run_complete() const = 0;
  virtual bool generating() const = 0;
  // Anything running or queued (a load, a generation about to start, a capture).
  virtual bool busy() const = 0;
  virtual const std::string& model_path() const = 0;
  // A model is being read (or its family told): work for "the open model" waits.
  virtual bool loading() const = 0;
  // The attention site and head the inspector shows (the compare panel's maps follow it);
  // false when there is none (no run yet, or a source without a selection).
  virtual bool selected_site(CaptureKey* key, int* head) const { return false; }
};

// "3 · Dress" with the model's class names, else "3".
inline std::string class_label(const gen::ModelInfo& info, int class_id) {
  if (class_id >= 0 && class_id < int(info.class_names.size()))
    return std::to_string(class_id) + " · " + info.class_names[size_t(class_id)];
  return std::to_string(class_id);
}

}  // namespace vs::gui
