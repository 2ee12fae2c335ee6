#ifndef HOTLINE_ENGINE_PERSONAL_FIELDS_H_
#define HOTLINE_ENGINE_PERSONAL_FIELDS_H_

// The fields of an event that hold personal data: those its payload message
// declares with the `personal` option (hotline/v1/options.proto), found by
// reflection so that marking a field in the proto is all it takes.

#include "absl/strings/string_view.h"
#include "hotline/v1/events.pb.h"

namespace hotline::engine {

// Moves the personal fields set in `event`'s payload into `taken` (an Event
// of the same payload type holding only them) and clears them in `event`.
// False, with `taken` untouched, when none is set.
bool TakePersonalFields(hotline::v1::Event* event, hotline::v1::Event* taken);

// Shows that the payload's personal data is withheld: its first personal
// text field (the appeal's content, a reply's text) becomes `mask`, every
// other personal field is cleared (a mask in each would look like data the
// citizen gave).
void MaskPersonalFields(hotline::v1::Event* event, absl::string_view mask);

}  // namespace hotline::engine

#endif  // HOTLINE_ENGINE_PERSONAL_FIELDS_H_
