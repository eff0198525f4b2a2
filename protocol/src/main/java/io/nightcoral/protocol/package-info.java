/**
 * The messages between the NightCoral coordinator and its worker children, and the frame codec that
 * carries them over the children's stdin and stdout.
 */
package io.nightcoral.protocol;
