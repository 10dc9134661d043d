#version 330 core
// One triangle that covers the viewport; no vertex buffer needed (gl_VertexID 0..2).
out vec2 uv;
void main() {
  vec2 corner = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
  uv = corner;  // framebuffer row 0 samples matrix row 0; ImGui::Image shows row 0 on top
  gl_Position = vec4(corner * 2.0 - 1.0, 0.0, 1.0);
}
