// MQTT topic matching, the same in Node and in browsers: does a topic filter match a
// topic name [MQTT-4.7]? Used by the ACL file and by the dashboard, and exported by the
// package as topicMatchesFilter.
export const isWildcard = (level) => level === '+' || level === '#';
export const isDollar = (level) => level !== undefined && level.startsWith('$');

/** True when `filter` is a valid MQTT topic filter ('+' and '#' whole levels, '#' last). */
export function isValidFilter(filter) {
  if (typeof filter !== 'string' || filter === '') return false;
  const levels = filter.split('/');
  return levels.every((level, i) => {
    if (level.includes('#')) return level === '#' && i === levels.length - 1;
    if (level.includes('+')) return level === '+';
    return true;
  });
}

/** True when `topic` is a valid topic name: not empty, no wildcard. */
export function isValidTopic(topic) {
  return typeof topic === 'string' && topic !== '' && !topic.includes('+') && !topic.includes('#');
}

// Does the filter (as levels) match the topic (as levels)? [MQTT-4.7.1], and a filter
// starting with a wildcard does not match a topic starting with '$' [MQTT-4.7.2-1].
export function matchLevels(filter, topic) {
  if (isWildcard(filter[0]) && isDollar(topic[0])) return false;
  for (let i = 0; i < filter.length; i++) {
    if (filter[i] === '#') return true; // also matches the parent: "a/#" matches "a"
    if (i === topic.length) return false;
    if (filter[i] !== '+' && filter[i] !== topic[i]) return false;
  }
  return filter.length === topic.length;
}

/** Mosquitto's mosquitto_topic_matches_sub for a valid filter and a topic name. */
export function topicMatchesFilter(filter, topic) {
  return isValidFilter(filter) && isValidTopic(topic) && matchLevels(filter.split('/'), topic.split('/'));
}
