#pragma once
// `--html FILE` for the commands: the chart library is read before a command does any work
// (a missing library is a usage error, exit 2, and no run is wasted), the page is written
// from the command's JSON document at the end.

#include <iosfwd>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "html/html_page.h"

namespace stressql::html {

// Reads the chart library (html::kChartLibraryDir, or the folder STRESSQL_CHART_LIBRARY
// names) when `html_file` is not empty. False after a message to `err`.
bool load_html_library(const std::string& html_file, html::ChartLibrary* library, std::ostream& err);

// Writes the run page of a run's JSON report to `html_file`. False after a message to `err`.
bool write_run_html(const std::string& html_file, const nlohmann::json& report,
                    const html::ChartLibrary& library, std::ostream& err);

// Writes the find-max page of find-max's JSON document to `html_file`. False after a
// message to `err`.
bool write_find_max_html(const std::string& html_file, const nlohmann::json& doc,
                         const html::ChartLibrary& library, std::ostream& err);

// Writes the compare page of compare's JSON document to `html_file`. False after a message
// to `err`.
bool write_compare_html(const std::string& html_file, const nlohmann::json& doc,
                        const html::ChartLibrary& library, std::ostream& err);

}  // namespace stressql::html
