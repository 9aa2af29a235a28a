// `stressql check FILE`: everything the parser knows, without contacting a server.
#include "cli/check_command.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ostream>
#include <string>

#include "generator/replay_files.h"
#include "parser/parser.h"
#include "parser/series.h"
#include "base/duration_text.h"
#include "parser/variables.h"
#include "statements/request_task.h"

namespace stressql::cli {
namespace {

bool read_file(const std::string& path, std::string* out, std::string* error) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    *error = std::strerror(errno);
    return false;
  }
  char buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out->append(buf, n);
  bool failed = std::ferror(f) != 0;
  int saved = errno;
  std::fclose(f);
  if (failed) {
    *error = std::strerror(saved);
    return false;
  }
  return true;
}

std::string pos_text(const parser::SourcePos& p) {
  return std::to_string(p.line) + ":" + std::to_string(p.column);
}

std::string vars_text(uint8_t vars) {
  std::string s;
  if (vars & parser::kVarM) s += " %m";
  if (vars & parser::kVarF) s += " %f";
  if (vars & parser::kVarT) s += " %t";
  if (vars & parser::kVarA) s += " %a";
  return s;
}

// How long a rate takes for `units` (in its unit): "at 2000 req/s for 8s", "at 0 req/s to
// 100 req/s over 10s, then 100 req/s: 13s in all"; "" in a closed loop.
std::string schedule_text(const parser::Rate& rate, double units) {
  if (!rate.open_loop()) return "";
  std::string out = ", at " + parser::rate_text(rate);
  if (rate.unit == parser::Rate::Unit::kMegabytes) return out;  // bodies are not rendered here
  const int64_t ms = std::llround(statements::rate_schedule(rate, 1).seconds_for(units) * 1000);
  const std::string duration = base::duration_text(ms * 1'000'000);
  if (rate.ramp_ns == 0) return out + " for " + duration;
  return out + ", then " + parser::rate_number(rate.to) + " " +
         std::string(parser::rate_unit_name(rate.unit)) + ": " + duration + " in all";
}

struct Counts {
  int set = 0, insert = 0, query = 0, wait = 0, exec = 0, influxql = 0;
};

void print_statement(const parser::Statement& st, const parser::Settings& settings,
                     std::ostream& out, Counts* counts) {
  out << "  " << pos_text(st.pos) << "  " << (st.go ? "GO " : "");
  if (const auto* s = std::get_if<parser::SetStmt>(&st.body)) {
    ++counts->set;
    out << "SET " << parser::setting_info(s->name).canonical << " = '"
        << parser::display_value(s->name, s->value) << "'\n";
  } else if (const auto* i = std::get_if<parser::InsertStmt>(&st.body)) {
    ++counts->insert;
    if (i->replay()) {
      out << "INSERT " << i->name << ": replays '" << i->from_path << "' (ReplayTime "
          << parser::replay_time_name(settings.replay.time) << ", " << settings.replay.loops
          << (settings.replay.loops == 1 ? " pass" : " passes") << ", BatchSize "
          << settings.batch_size << " lines per request)\n";
      return;
    }
    const uint64_t requests = parser::request_count(*i, settings.batch_size);
    const double units = settings.write_rate.unit == parser::Rate::Unit::kPoints
                             ? static_cast<double>(i->count)
                             : static_cast<double>(requests);
    out << "INSERT " << i->name << ": " << parser::series_count(*i) << " series, " << i->count
        << " points, " << requests << " write requests at BatchSize " << settings.batch_size
        << schedule_text(settings.write_rate, units) << "\n";
  } else if (const auto* q = std::get_if<parser::QueryStmt>(&st.body)) {
    ++counts->query;
    out << "QUERY " << q->name << ": DO " << q->count;
    if (q->vars != 0) out << " (variables" << vars_text(q->vars) << ")";
    out << schedule_text(settings.query_rate, static_cast<double>(q->count));
    out << "\n";
  } else if (std::holds_alternative<parser::WaitStmt>(st.body)) {
    ++counts->wait;
    out << "WAIT\n";
  } else if (const auto* e = std::get_if<parser::ExecStmt>(&st.body)) {
    ++counts->exec;
    out << "EXEC " << e->command << "\n";
  } else if (const auto* x = std::get_if<parser::InfluxQLStmt>(&st.body)) {
    ++counts->influxql;
    std::string text = x->text;
    for (char& c : text) {
      if (c == '\n') c = ' ';
    }
    if (text.size() > 60) text = text.substr(0, 57) + "...";
    out << "'" << text << "' (" << (x->is_read ? "GET" : "POST") << ")\n";
  }
}

}  // namespace

void warn_unused_defines(const std::string& script, std::string_view source,
                         const std::map<std::string, std::string, std::less<>>& defines,
                         std::ostream& err) {
  for (const std::string& name : parser::unused_defines(source, defines)) {
    err << "stressql: warning: --define " << name << ": " << script << " never uses ${" << name
        << "}\n";
  }
}

bool collect_defines(const std::vector<std::string>& args, std::ostream& err,
                     std::map<std::string, std::string, std::less<>>* out) {
  for (const std::string& a : args) {
    std::string name, value, why;
    if (!parser::parse_define(a, &name, &value, &why)) {
      err << "stressql: " << why << "\n";
      return false;
    }
    (*out)[name] = value;
  }
  return true;
}

int run_check(const std::string& path, std::ostream& out, std::ostream& err,
              const std::vector<std::string>& define_args) {
  parser::Defines defines;
  if (!collect_defines(define_args, err, &defines)) return 2;
  std::string source, why;
  if (!read_file(path, &source, &why)) {
    err << "stressql: cannot read " << path << ": " << why << "\n";
    return 2;
  }
  parser::ParseResult r = parser::parse_script_with_defines(path, source, defines);
  warn_unused_defines(path, source, defines, err);
  if (r.ok()) generator::check_replay_files(r.script, &r.errors);
  if (!r.ok()) {
    parser::LineIndex lines(source);
    for (const parser::Diagnostic& d : r.errors) {
      err << parser::format_diagnostic(path, lines, d);
    }
    err << path << ": " << r.errors.size() << (r.errors.size() == 1 ? " error" : " errors")
        << "; nothing was run\n";
    return 2;
  }
  Counts counts;
  out << path << ": ok, " << r.script.statements.size() << " statements\n";
  for (size_t i = 0; i < r.script.statements.size(); ++i) {
    print_statement(r.script.statements[i], r.settings_for(i), out, &counts);
  }
  out << "statements: " << counts.set << " SET, " << counts.insert << " INSERT, " << counts.query
      << " QUERY, " << counts.wait << " WAIT, " << counts.exec << " EXEC, " << counts.influxql
      << " InfluxQL\n";
  return 0;
}

}  // namespace stressql::cli
