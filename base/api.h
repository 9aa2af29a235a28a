#pragma once
// Which HTTP API of InfluxDB a server speaks. One enum for the load's targets (SET Api,
// parser/api_settings.h) and for the results and metrics servers (net/server_address.h).

namespace stressql::base {

// kAuto is resolved from the server's `GET /ping` (net/api_probe.h) before anything is sent.
enum class Api { kAuto, kV1, kV2, kV3 };

}  // namespace stressql::base
