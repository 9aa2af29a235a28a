#include "cli/html_output.h"

#include <cstdlib>
#include <ostream>

#include "reporting/html_report.h"

namespace stressql::cli {

bool load_html_library(const std::string& html_file, reporting::ChartLibrary* library, std::ostream& err) {
  if (html_file.empty()) return true;
  const char* dir = std::getenv("STRESSQL_CHART_LIBRARY");
  base::Status s = reporting::load_chart_library(dir && *dir ? dir : reporting::kChartLibraryDir, library);
  if (!s) err << "stressql: --html: " << s.message() << "\n";
  return s.is_ok();
}

namespace {

bool write_page(const std::string& html_file, const reporting::HtmlPage& page,
                const reporting::ChartLibrary& library, std::ostream& err) {
  base::Status s = reporting::write_html_file(html_file, page, library);
  if (!s) err << "stressql: --html: " << s.message() << "\n";
  return s.is_ok();
}

}  // namespace

bool write_run_html(const std::string& html_file, const nlohmann::json& report,
                    const reporting::ChartLibrary& library, std::ostream& err) {
  return write_page(html_file, reporting::run_page(report), library, err);
}

bool write_find_max_html(const std::string& html_file, const nlohmann::json& doc,
                         const reporting::ChartLibrary& library, std::ostream& err) {
  return write_page(html_file, reporting::find_max_page(doc), library, err);
}

bool write_compare_html(const std::string& html_file, const nlohmann::json& doc,
                        const reporting::ChartLibrary& library, std::ostream& err) {
  return write_page(html_file, reporting::compare_page(doc), library, err);
}

}  // namespace stressql::cli
