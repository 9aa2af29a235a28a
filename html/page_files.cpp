#include "html/page_files.h"

#include <cstdlib>
#include <ostream>

#include "html/html_report.h"

namespace stressql::html {

bool load_html_library(const std::string& html_file, html::ChartLibrary* library, std::ostream& err) {
  if (html_file.empty()) return true;
  const char* dir = std::getenv("STRESSQL_CHART_LIBRARY");
  base::Status s = html::load_chart_library(dir && *dir ? dir : html::kChartLibraryDir, library);
  if (!s) err << "stressql: --html: " << s.message() << "\n";
  return s.is_ok();
}

namespace {

bool write_page(const std::string& html_file, const html::HtmlPage& page,
                const html::ChartLibrary& library, std::ostream& err) {
  base::Status s = html::write_html_file(html_file, page, library);
  if (!s) err << "stressql: --html: " << s.message() << "\n";
  return s.is_ok();
}

}  // namespace

bool write_run_html(const std::string& html_file, const nlohmann::json& report,
                    const html::ChartLibrary& library, std::ostream& err) {
  return write_page(html_file, html::run_page(report), library, err);
}

bool write_find_max_html(const std::string& html_file, const nlohmann::json& doc,
                         const html::ChartLibrary& library, std::ostream& err) {
  return write_page(html_file, html::find_max_page(doc), library, err);
}

bool write_compare_html(const std::string& html_file, const nlohmann::json& doc,
                        const html::ChartLibrary& library, std::ostream& err) {
  return write_page(html_file, html::compare_page(doc), library, err);
}

}  // namespace stressql::html
