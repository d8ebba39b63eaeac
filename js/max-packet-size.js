// The largest whole packet MQTT allows: 1 + 4 + 268,435,455 bytes.
export const MAX_PACKET_SIZE = 268435460;
