#include "judge/compare_reader.h"

#include "report/json_fields.h"

namespace stressql::judge {

Comparison comparison_from_json(const nlohmann::json& doc, CompareOptions* options) {
  Comparison c;
  if (!doc.is_object()) return c;
  c.base_label = report::json_text(doc, "base");
  c.next_label = report::json_text(doc, "new");
  c.base_test_ids = report::json_texts(doc, "base_test_ids");
  c.next_test_ids = report::json_texts(doc, "new_test_ids");
  c.warnings = report::json_texts(doc, "warnings");
  c.notes = report::json_texts(doc, "notes");
  options->confidence = report::json_number(doc, "confidence").value_or(options->confidence);
  options->max_regression_percent = report::json_number(doc, "max_regression_percent").value_or(options->max_regression_percent);
  if (doc.contains("metrics")) {
    options->deciding.clear();
    for (const std::string& name : report::json_texts(doc, "metrics")) {
      stats::Metric m;
      if (stats::metric_from_name(name, &m)) options->deciding.push_back(m);
    }
  }
  auto rows = doc.find("rows");
  if (rows == doc.end() || !rows->is_array()) return c;
  for (const nlohmann::json& j : *rows) {
    MetricComparison r;
    if (!j.is_object() || !stats::metric_from_name(report::json_text(j, "metric"), &r.metric)) continue;
    r.statement = report::json_text(j, "statement");
    r.deciding = report::json_flag(j, "deciding");
    r.base = report::json_number(j, "base");
    r.next = report::json_number(j, "new");
    r.change = report::json_number(j, "change");
    r.change_low = report::json_number(j, "change_low");
    r.change_high = report::json_number(j, "change_high");
    r.ratio = report::json_text(j, "scale") == "ratio";
    r.shift = report::json_number(j, "shift").value_or(0);
    const auto low = report::json_number(j, "shift_low"), high = report::json_number(j, "shift_high");
    r.bounded = low && high;
    r.shift_low = low.value_or(0);
    r.shift_high = high.value_or(0);
    const std::string verdict = report::json_text(j, "verdict");
    for (Verdict v : {Verdict::kBetter, Verdict::kWorse, Verdict::kNoChange, Verdict::kNotTested}) {
      if (verdict == verdict_text(v)) r.verdict = v;
    }
    r.regression = report::json_flag(j, "regression");
    r.basis = report::json_text(j, "basis");
    r.note = report::json_text(j, "note");
    c.rows.push_back(std::move(r));
  }
  return c;
}

}  // namespace stressql::judge
