#pragma once
// Which metric names /metrics uses (--metrics-names): better_ping's own, or smokeping_prober's
// so that its dashboards and recording rules work unchanged (exposition.h lists both).

namespace bp {

enum class MetricNames { kBetterPing, kSmokeping };

}  // namespace bp
