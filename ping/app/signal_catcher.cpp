#include "ping/app/signal_catcher.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>

#include "shared/signals.h"

namespace bp {
namespace {

// Process-wide, because a signal handler can reach nothing else. Handlers never interleave
// (sa_mask blocks every signal while one runs), and take() blocks ours while it reads the slots.
struct Slot {
  CaughtSignal info;
  std::uint64_t order = 0;  // arrival order, for take()
  volatile sig_atomic_t pending = 0;
};
std::array<Slot, NSIG> g_slots;
volatile sig_atomic_t g_any = 0;          // some slot is pending: the usual "nothing" is one load
volatile sig_atomic_t g_timeout_cut = 0;  // the handler cut the receive timeout
volatile sig_atomic_t g_receiver = -1;    // the socket whose timeout it cuts
pid_t g_owner = 0;                        // a child between fork and exec must not touch it
std::uint64_t g_arrivals = 0;
std::array<struct sigaction, NSIG> g_previous;
bool g_installed = false;

void record(int signo, siginfo_t* info, void*) {
  if (signo <= 0 || signo >= NSIG) return;
  const int saved_errno = errno;  // the interrupted code may be about to read errno
  Slot& slot = g_slots[static_cast<std::size_t>(signo)];
  slot.info = CaughtSignal{signo, info != nullptr ? info->si_pid : 0, info != nullptr ? info->si_uid : 0,
                           info != nullptr ? info->si_code : 0};
  slot.order = ++g_arrivals;
  slot.pending = 1;
  g_any = 1;
  // A receive about to start must not sleep its whole timeout: 1 us, the least SO_RCVTIMEO
  // takes (0 would mean "forever"). setsockopt is async-signal-safe.
  const int fd = g_receiver;
  if (fd >= 0 && getpid() == g_owner) {
    const timeval least{0, 1};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &least, sizeof least);
    g_timeout_cut = 1;
  }
  errno = saved_errno;
}

}  // namespace

Expected<SignalCatcher, SysError> SignalCatcher::install(std::initializer_list<int> signals) {
  if (g_installed) return Unexpected{SysError{"signal handlers", EBUSY}};
  sigset_t mask;
  sigemptyset(&mask);
  for (int sig : signals) sigaddset(&mask, sig);
  struct sigaction action {};
  action.sa_sigaction = record;
  action.sa_flags = SA_SIGINFO;  // no SA_RESTART: the point is to interrupt the receive
  sigfillset(&action.sa_mask);
  g_owner = getpid();
  for (const int* sig = signals.begin(); sig != signals.end(); ++sig) {
    if (sigaction(*sig, &action, &g_previous[static_cast<std::size_t>(*sig)]) != 0) {
      const SysError error = last_error("sigaction");
      for (const int* done = signals.begin(); done != sig; ++done) {
        sigaction(*done, &g_previous[static_cast<std::size_t>(*done)], nullptr);  // as we found them
      }
      return Unexpected{error};
    }
  }
  // An inherited mask (a parent that blocked SIGINT, say) must not keep them from us.
  if (pthread_sigmask(SIG_UNBLOCK, &mask, nullptr) != 0) return Unexpected{last_error("pthread_sigmask")};
  g_installed = true;
  return SignalCatcher(mask);
}

SignalCatcher::SignalCatcher(SignalCatcher&& other) noexcept : mask_(other.mask_), owner_(other.owner_) {
  other.owner_ = false;
}

SignalCatcher::~SignalCatcher() {
  if (!owner_) return;
  g_receiver = -1;
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sigismember(&mask_, sig) == 1) sigaction(sig, &g_previous[static_cast<std::size_t>(sig)], nullptr);
  }
  for (Slot& slot : g_slots) slot.pending = 0;
  g_any = 0;
  g_timeout_cut = 0;
  g_installed = false;
}

void SignalCatcher::watch_receiver(int fd) { g_receiver = fd; }

bool SignalCatcher::pending() const { return g_any != 0; }

bool SignalCatcher::take_timeout_cut() {
  if (g_timeout_cut == 0) return false;
  g_timeout_cut = 0;
  return true;
}

std::optional<CaughtSignal> SignalCatcher::take() {
  if (g_any == 0) return std::nullopt;
  // Rare (a signal came): hold our signals off while the slots are read, so that none is half
  // rewritten under us. The one that arrives meanwhile is handled when they are let in again.
  sigset_t previous;
  pthread_sigmask(SIG_BLOCK, &mask_, &previous);
  Slot* earliest = nullptr;
  for (int sig = 1; sig < NSIG; ++sig) {
    Slot& slot = g_slots[static_cast<std::size_t>(sig)];
    if (slot.pending != 0 && (earliest == nullptr || slot.order < earliest->order)) earliest = &slot;
  }
  std::optional<CaughtSignal> taken;
  if (earliest != nullptr) {
    earliest->pending = 0;
    taken = earliest->info;
  }
  g_any = 0;
  for (const Slot& slot : g_slots) {
    if (slot.pending != 0) g_any = 1;
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return taken;
}

bool ignore_broken_pipe_signal() {
  SignalHandler previous = SIG_DFL;
  if (set_disposition(SIGPIPE, SIG_IGN, &previous)) return false;
  return previous == SIG_DFL;
}

void die_of_signal(int signal) {
  set_disposition(signal, SIG_DFL);
  sigset_t just_it;
  sigemptyset(&just_it);
  sigaddset(&just_it, signal);
  sigprocmask(SIG_UNBLOCK, &just_it, nullptr);
  raise(signal);
}

}  // namespace bp
