export { feed, type FeedOptions, type FeedReport } from './feed.js';
