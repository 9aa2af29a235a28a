#pragma once
// How many connections a script holds at once, known before anything is sent: the check
// that says a descriptor limit instead of hitting it (engine/descriptor_limit.h).

#include <cstdint>
#include <string>

#include "generator/shard.h"
#include "parser/script.h"
#include "parser/settings.h"

namespace stressql::statements {

// The most connections the script's statements hold at the same time on this shard: an
// INSERT its WriteConcurrency, a QUERY its QueryConcurrency, an InfluxQL statement one,
// each with the settings SET gives it; GO statements add up until the next WAIT (or the
// end), a statement without GO adds to the GO statements running beside it.
uint64_t peak_connections(const parser::Script& script, parser::Settings settings,
                          const generator::Shard& shard);

// Empty when the script's connections fit under the process's descriptor limit; else the
// error to print, before anything is sent.
std::string check_descriptor_limit(const parser::Script& script, const parser::Settings& settings,
                                   const generator::Shard& shard);

}  // namespace stressql::statements
