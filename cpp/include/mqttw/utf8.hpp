// UTF-8 checks for MQTT strings (section 1.5.4).
#pragma once

#include <string_view>

namespace mqttw {

// Why a string is not an acceptable MQTT UTF-8 string, or nullptr when it is. The
// answer is a phrase to put after the field's name ("is not well-formed UTF-8: ...").
// Rejects ill-formed UTF-8 (overlong forms, stray continuation bytes, truncated
// sequences, code points above U+10FFFF), UTF-16 surrogates U+D800..U+DFFF
// [MQTT-1.5.4-1] and U+0000 [MQTT-1.5.4-2].
const char* utf8_problem(std::string_view text);

}  // namespace mqttw
