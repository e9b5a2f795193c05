// fault_proxy: runs a FaultProxy in front of a server until SIGINT or SIGTERM, for manual use.
//
//   fault_proxy --target 127.0.0.1:10000 [--listen-port N] [--fault-rate 0.3] [--seed 1]
//               [--faults 503,500,429,412,reset-before,reset-after,truncate,stall]
//               [--stall-ms 5000] [--retry-after 1]
// On exit it prints the counters.
#include <signal.h>

#include <charconv>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "fault_proxy/fault_proxy.h"

namespace fp = azblobfs::fault_proxy;

namespace {

struct CliOptions {
    fp::FaultProxyOptions proxy;
    double fault_rate = 0.0;
    uint64_t seed = 1;
    std::vector<fp::FaultKind> kinds = fp::all_fault_kinds();
};

template <typename T>
bool parse_number(std::string_view text, T* out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
    return ec == std::errc() && end == text.data() + text.size();
}

bool parse_target(std::string_view text, fp::FaultProxyOptions* proxy) {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return false;
    proxy->target_host = std::string(text.substr(0, colon));
    return parse_number(text.substr(colon + 1), &proxy->target_port);
}

bool parse_kinds(std::string_view text, std::vector<fp::FaultKind>* kinds) {
    kinds->clear();
    while (!text.empty()) {
        size_t comma = text.find(',');
        std::optional<fp::FaultKind> kind = fp::parse_fault_kind(text.substr(0, comma));
        if (!kind) return false;
        kinds->push_back(*kind);
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    }
    return !kinds->empty();
}

bool parse_option(std::string_view flag, std::string_view value, CliOptions* cli) {
    int64_t ms = 0;
    if (flag == "--target") return parse_target(value, &cli->proxy);
    if (flag == "--listen-port") return parse_number(value, &cli->proxy.listen_port);
    if (flag == "--fault-rate") return parse_number(value, &cli->fault_rate);
    if (flag == "--seed") return parse_number(value, &cli->seed);
    if (flag == "--faults") return parse_kinds(value, &cli->kinds);
    if (flag == "--retry-after") return parse_number(value, &cli->proxy.retry_after_seconds);
    if (flag == "--stall-ms" && parse_number(value, &ms)) {
        cli->proxy.stall_time = std::chrono::milliseconds(ms);
        return true;
    }
    return false;
}

void print_counters(const fp::FaultCounters& counters) {
    std::printf("requests %llu, forwarded %llu\n", static_cast<unsigned long long>(counters.requests),
                static_cast<unsigned long long>(counters.forwarded));
    for (size_t i = 1; i < fp::kFaultKindCount; ++i) {
        std::printf("  %-13s %llu\n", fp::fault_kind_name(static_cast<fp::FaultKind>(i)),
                    static_cast<unsigned long long>(counters.faults[i]));
    }
}

}  // namespace

int main(int argc, char** argv) {
    CliOptions cli;
    for (int i = 1; i < argc; i += 2) {
        if (i + 1 >= argc || !parse_option(argv[i], argv[i + 1], &cli)) {
            std::fprintf(stderr, "usage: %s --target HOST:PORT [--listen-port N] [--fault-rate R] "
                                 "[--seed S] [--faults k1,k2,...] [--stall-ms MS] [--retry-after S]\n",
                         argv[0]);
            return 2;
        }
    }
    if (cli.proxy.target_port <= 0) {
        std::fprintf(stderr, "%s: --target HOST:PORT is required\n", argv[0]);
        return 2;
    }
    // Block the stop signals before any thread starts, then wait for one of them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    auto proxy = fp::FaultProxy::start(cli.proxy);
    if (!proxy) {
        std::fprintf(stderr, "%s\n", proxy.status().to_string().c_str());
        return 1;
    }
    (*proxy)->set_schedule(fp::FaultSchedule::random(cli.fault_rate, cli.kinds, cli.seed));
    std::printf("listening on %s -> %s:%d\n", (*proxy)->endpoint().c_str(), cli.proxy.target_host.c_str(),
                cli.proxy.target_port);
    std::fflush(stdout);
    int received = 0;
    sigwait(&stop_signals, &received);
    (*proxy)->stop();
    print_counters((*proxy)->counters());
    return 0;
}
