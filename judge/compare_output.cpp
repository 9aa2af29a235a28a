#include "judge/compare_output.h"

#include <algorithm>
#include <cstdio>
#include <optional>


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

std::string names(const std::vector<stats::Metric>& metrics) {
  std::string out;
  for (stats::Metric m : metrics) {
    if (!out.empty()) out += ',';
    out += stats::metric_name(m);
  }
  return out;
}

std::string summary_line(const Comparison& c, const CompareOptions& options) {
  char limit[32];
  std::snprintf(limit, sizeof limit, "%g%%", options.max_regression_percent);
  if (c.regression()) {
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
  if (!c.judged()) return "FAIL: nothing could be judged in " + names(options.deciding);
  const std::vector<stats::Metric> unjudged = unjudged_metrics(c, options);
  std::vector<stats::Metric> judged;
  for (stats::Metric m : options.deciding) {
    if (std::find(unjudged.begin(), unjudged.end(), m) == unjudged.end()) judged.push_back(m);
  }
  std::string out = std::string("OK: no significant regression beyond ") + limit + " in " + names(judged);
  if (!unjudged.empty()) out += "; not judged: " + names(unjudged);
  return out;
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

const std::vector<std::string>& compare_header() { return kHeader; }

std::vector<std::string> compare_row(const MetricComparison& r) {
  return {r.statement, stats::metric_name(r.metric), stats::format_metric(r.metric, r.base), stats::format_metric(r.metric, r.next),
          change_text(r), interval_text(r), gate_text(r), verdict_cell(r)};
}

std::string compare_summary(const Comparison& c, const CompareOptions& options) { return summary_line(c, options); }

std::string compare_title(const Comparison& c) { return "BASE " + c.base_label + " → NEW " + c.next_label; }

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
  std::string out = "Compare: " + compare_title(c) + "\n";
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
  if (!c.judged()) {
    for (const std::string& w : why_not_judged(c)) out += "Why: " + w + "\n";
    for (const std::string& h : how_to_judge(c)) out += "To judge: " + h + "\n";
  }
  return out;
}

std::string render_compare_markdown(const Comparison& c, const CompareOptions& options) {
  std::string out = "### stressql compare: " + md_escape(compare_title(c)) + "\n\n";
  const bool failed = c.regression() || !c.judged();
  out += (failed ? "**" : "") + md_escape(summary_line(c, options)) + (failed ? "**" : "") + "\n\n";
  if (!c.judged()) {
    for (const std::string& w : why_not_judged(c)) out += "- Why: " + md_escape(w) + "\n";
    for (const std::string& h : how_to_judge(c)) out += "- To judge: " + md_escape(h) + "\n";
    out += "\n";
  }
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
  // Nothing judged is a failed case of its own: every other case is skipped, and a suite of
  // skipped cases reads as green.
  const bool nothing = !c.judged();
  failures += nothing;
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  const std::string counts = " tests=\"" + std::to_string(c.rows.size() + nothing) + "\" failures=\"" +
                             std::to_string(failures) + "\" errors=\"0\" skipped=\"" + std::to_string(skipped) + "\"";
  out += "<testsuites name=\"stressql compare\"" + counts + ">\n";
  out += "  <testsuite name=\"" + xml_escape("stressql compare " + compare_title(c)) + "\"" + counts + ">\n";
  if (nothing) {
    std::string why;
    for (const std::string& w : why_not_judged(c)) why += "Why: " + w + "\n";
    for (const std::string& h : how_to_judge(c)) why += "To judge: " + h + "\n";
    out += "    <testcase classname=\"stressql.compare\" name=\"judged\">\n      <failure type=\"nothing-judged\" message=\"" +
           xml_escape(summary_line(c, options)) + "\">" + xml_escape(why) + "</failure>\n    </testcase>\n";
  }
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
                    {"scale", r.ratio ? "ratio" : "difference"},
                    {"shift", r.shift},
                    {"shift_low", r.bounded ? nlohmann::json(r.shift_low) : nlohmann::json(nullptr)},
                    {"shift_high", r.bounded ? nlohmann::json(r.shift_high) : nlohmann::json(nullptr)},
                    {"verdict", verdict_text(r.verdict)},
                    {"regression", r.regression},
                    {"basis", r.basis},
                    {"note", r.note}});
  }
  nlohmann::json metrics = nlohmann::json::array(), unjudged = nlohmann::json::array();
  for (stats::Metric m : options.deciding) metrics.push_back(metric_name(m));
  for (stats::Metric m : unjudged_metrics(c, options)) unjudged.push_back(metric_name(m));
  const bool nothing = !c.judged();
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
          {"judged", !nothing},
          {"result", c.regression() ? "regression" : nothing ? "nothing judged" : "ok"},
          {"not_judged", unjudged},
          {"why_not_judged", nothing ? why_not_judged(c) : std::vector<std::string>{}},
          {"how_to_judge", nothing ? how_to_judge(c) : std::vector<std::string>{}},
          {"warnings", c.warnings},
          {"notes", c.notes},
          {"rows", rows}};
}

}  // namespace stressql::judge
