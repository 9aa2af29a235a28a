#include "judge/compare_output.h"

#include <algorithm>
#include <cstdio>
#include <optional>

#include "report/json_fields.h"

namespace stressql::judge {
namespace {

std::string percent(double fraction) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.1f%%", fraction * 100);
  return buf;
}

std::string signed_metric(stats::Metric m, double v) {
  std::string out(1, v < 0 ? '-' : '+');  // appended: gcc 12's -Wrestrict trips on "+" + string
  out += format_metric(m, v < 0 ? -v : v);
  return out;
}

std::string gate_text(const MetricComparison& r) {
  if (!r.deciding) return "";
  if (r.regression) return "FAIL";
  return r.verdict == Verdict::kNotTested ? "-" : "pass";
}

std::string verdict_cell(const MetricComparison& r) {
  std::string v = verdict_text(r.verdict);
  if (!r.note.empty()) v += ": " + r.note;
  return v;
}

std::vector<std::vector<std::string>> table(const Comparison& c) {
  std::vector<std::vector<std::string>> rows;
  for (const MetricComparison& r : c.rows) rows.push_back(compare_row(r));
  return rows;
}

const std::vector<std::string> kHeader = {"Statement", "Metric", "Base", "New", "Change", "95% CI", "Gate", "Verdict"};

std::string summary_line(const Comparison& c, const CompareOptions& options) {
  std::string metrics;
  for (stats::Metric m : options.deciding) {
    if (!metrics.empty()) metrics += ',';
    metrics += metric_name(m);
  }
  char limit[32];
  std::snprintf(limit, sizeof limit, "%g%%", options.max_regression_percent);
  if (!c.regression()) {
    return std::string("OK: no significant regression beyond ") + limit + " in " + metrics;
  }
  std::string which;
  for (const MetricComparison& r : c.rows) {
    if (!r.regression) continue;
    if (!which.empty()) which += ", ";
    which += r.statement;
    which += ' ';
    which += stats::metric_name(r.metric);
    which += ' ';
    which += change_text(r);
  }
  return std::string("REGRESSION beyond ") + limit + ": " + which;
}

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // Control characters are not allowed in XML 1.0 (but tab, newline, return).
        if (static_cast<unsigned char>(ch) < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') out += ' ';
        else out += ch;
    }
  }
  return out;
}

std::string md_escape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    if (ch == '|') out += "\\|";
    else if (ch == '\n') out += ' ';
    else out += ch;
  }
  return out;
}

}  // namespace

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

const std::vector<std::string>& compare_header() { return kHeader; }

std::vector<std::string> compare_row(const MetricComparison& r) {
  return {r.statement, stats::metric_name(r.metric), stats::format_metric(r.metric, r.base), stats::format_metric(r.metric, r.next),
          change_text(r), interval_text(r), gate_text(r), verdict_cell(r)};
}

std::string compare_summary(const Comparison& c, const CompareOptions& options) { return summary_line(c, options); }

std::string change_text(const MetricComparison& r) {
  if (!r.base || !r.next) return "";
  if (r.change) return percent(*r.change);
  // A base of 0: the absolute change.
  return signed_metric(r.metric, r.verdict == Verdict::kNotTested ? *r.next - *r.base : r.shift) + " (from 0)";
}

std::string interval_text(const MetricComparison& r) {
  if (!r.bounded || r.verdict == Verdict::kNotTested) return "";
  if (r.change_low && r.change_high) return "[" + percent(*r.change_low) + ", " + percent(*r.change_high) + "]";
  return "[" + signed_metric(r.metric, r.shift_low) + ", " + signed_metric(r.metric, r.shift_high) + "]";
}

std::string render_compare_text(const Comparison& c, const CompareOptions& options) {
  std::string out = "Compare: BASE " + c.base_label + "  vs  NEW " + c.next_label + "\n";
  for (const std::string& w : c.warnings) out += "Warning: " + w + "\n";
  const auto rows = table(c);
  std::vector<size_t> width(kHeader.size());
  for (size_t i = 0; i < kHeader.size(); ++i) width[i] = kHeader[i].size();
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string l;
    for (size_t i = 0; i < cells.size(); ++i) {
      l += cells[i];
      if (i + 1 < cells.size()) l += std::string(width[i] - cells[i].size() + 2, ' ');
    }
    while (!l.empty() && l.back() == ' ') l.pop_back();
    return l + "\n";
  };
  if (!rows.empty()) {
    out += line(kHeader);
    for (const auto& row : rows) out += line(row);
  }
  for (const std::string& n : c.notes) out += "Note: " + n + "\n";
  out += "Result: " + summary_line(c, options) + "\n";
  return out;
}

std::string render_compare_markdown(const Comparison& c, const CompareOptions& options) {
  std::string out = "### stressql compare: " + md_escape(c.next_label) + " vs " + md_escape(c.base_label) + "\n\n";
  out += (c.regression() ? "**" : "") + md_escape(summary_line(c, options)) + (c.regression() ? "**" : "") + "\n\n";
  for (const std::string& w : c.warnings) out += "> **Warning:** " + md_escape(w) + "\n\n";
  if (!c.rows.empty()) {
    std::string head = "|", rule = "|";
    for (const std::string& h : kHeader) head += " " + h + " |", rule += " --- |";
    out += head + "\n" + rule + "\n";
    for (const auto& row : table(c)) {
      std::string l = "|";
      for (size_t i = 0; i < row.size(); ++i) {
        const std::string cell = md_escape(row[i]);
        l += " " + (i == 6 && cell == "FAIL" ? "**FAIL**" : cell) + " |";
      }
      out += l + "\n";
    }
  }
  if (!c.notes.empty()) out += "\n";
  for (const std::string& n : c.notes) out += "- " + md_escape(n) + "\n";
  return out;
}

std::string render_compare_junit(const Comparison& c, const CompareOptions& options) {
  size_t failures = 0, skipped = 0;
  for (const MetricComparison& r : c.rows) {
    failures += r.regression;
    skipped += r.verdict == Verdict::kNotTested;
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  const std::string counts = " tests=\"" + std::to_string(c.rows.size()) + "\" failures=\"" +
                             std::to_string(failures) + "\" errors=\"0\" skipped=\"" + std::to_string(skipped) + "\"";
  out += "<testsuites name=\"stressql compare\"" + counts + ">\n";
  out += "  <testsuite name=\"" + xml_escape("stressql compare " + c.next_label + " vs " + c.base_label) + "\"" +
         counts + ">\n";
  for (const MetricComparison& r : c.rows) {
    out += "    <testcase classname=\"" + xml_escape("stressql." + r.statement) + "\" name=\"" +
           xml_escape(stats::metric_name(r.metric)) + "\"";
    const std::string numbers = "base " + stats::format_metric(r.metric, r.base) + ", new " +
                                stats::format_metric(r.metric, r.next) + ", change " + change_text(r) +
                                (interval_text(r).empty() ? "" : ", 95% CI " + interval_text(r)) +
                                ", " + verdict_text(r.verdict) + (r.basis.empty() ? "" : " over " + r.basis);
    if (r.regression) {
      char limit[32];
      std::snprintf(limit, sizeof limit, "%g%%", options.max_regression_percent);
      out += ">\n      <failure type=\"regression\" message=\"" +
             xml_escape(std::string(stats::metric_name(r.metric)) + " " + change_text(r) + " beyond " + limit) + "\">" +
             xml_escape(numbers) + "</failure>\n    </testcase>\n";
    } else if (r.verdict == Verdict::kNotTested) {
      out += ">\n      <skipped message=\"" + xml_escape("not tested: " + r.note) + "\"/>\n    </testcase>\n";
    } else {
      out += ">\n      <system-out>" + xml_escape(numbers) + "</system-out>\n    </testcase>\n";
    }
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

nlohmann::json compare_json(const Comparison& c, const CompareOptions& options) {
  auto opt = [](const std::optional<double>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); };
  nlohmann::json rows = nlohmann::json::array();
  for (const MetricComparison& r : c.rows) {
    rows.push_back({{"statement", r.statement},
                    {"metric", stats::metric_name(r.metric)},
                    {"deciding", r.deciding},
                    {"base", opt(r.base)},
                    {"new", opt(r.next)},
                    {"change", opt(r.change)},
                    {"change_low", opt(r.change_low)},
                    {"change_high", opt(r.change_high)},
                    {"shift", r.shift},
                    {"shift_low", r.bounded ? nlohmann::json(r.shift_low) : nlohmann::json(nullptr)},
                    {"shift_high", r.bounded ? nlohmann::json(r.shift_high) : nlohmann::json(nullptr)},
                    {"verdict", verdict_text(r.verdict)},
                    {"regression", r.regression},
                    {"basis", r.basis},
                    {"note", r.note}});
  }
  nlohmann::json metrics = nlohmann::json::array();
  for (stats::Metric m : options.deciding) metrics.push_back(metric_name(m));
  return {{"schema", "stressql-compare"},
          {"schema_version", 1},
          {"base", c.base_label},
          {"new", c.next_label},
          {"base_test_ids", c.base_test_ids},
          {"new_test_ids", c.next_test_ids},
          {"confidence", options.confidence},
          {"max_regression_percent", options.max_regression_percent},
          {"metrics", metrics},
          {"regression", c.regression()},
          {"warnings", c.warnings},
          {"notes", c.notes},
          {"rows", rows}};
}

}  // namespace stressql::judge
