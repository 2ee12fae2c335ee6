#ifndef HOTLINE_ENGINE_EVOLVE_H_
#define HOTLINE_ENGINE_EVOLVE_H_

// The evolve function of the ticket workflow: a ticket's state after one more
// event of its stream. Pure; replaying a stream from an empty state with it
// gives the state the engine stored.

#include "hotline/v1/events.pb.h"
#include "hotline/v1/state.pb.h"

namespace hotline::engine {

// Applies `event` (with its stream_id, stream_version and at set) to
// `state`. An empty state plus TicketReceived starts a ticket. Events of
// other kinds than tickets' are ignored.
void Evolve(const hotline::v1::EventEnvelope& event, hotline::v1::TicketState* state);

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_EVOLVE_H_
