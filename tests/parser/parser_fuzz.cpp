// libFuzzer target: any bytes through parse_script() and format_diagnostic(). Built
// only with -DSTRESSQL_FUZZ=ON (the `fuzz` preset). Seed corpus: tests/parser/corpus/.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "parser/parser.h"
#include "parser/series.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stressql::parser;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ParseOptions options;
  options.id_seed = 1;
  ParseResult r = parse_script("fuzz.iql", text, options);
  LineIndex lines(text);
  for (const Diagnostic& d : r.errors) (void)format_diagnostic("fuzz.iql", lines, d);
  for (size_t i = 0; i < r.script.statements.size(); ++i) {
    if (const auto* in = std::get_if<InsertStmt>(&r.script.statements[i].body)) {
      (void)series_count(*in);
      (void)timestamp_count(*in);
      (void)request_count(*in, r.settings_for(i).batch_size);
    }
  }
  return 0;
}
